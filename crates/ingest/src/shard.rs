//! Splitting the input across machines: shard `I` of `N` takes the files whose
//! source path hashes to `I`, so every machine picks its share without talking
//! to the others and every file lands in exactly one shard.

use std::fmt;
use std::str::FromStr;

/// One of `count` shards, `index` counted from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the input file with this `documents.source` belongs to the shard.
    /// A whole file goes to one shard, jsonl files included: lines of one file
    /// stay together, in order.
    pub fn contains(&self, source: &str) -> bool {
        shard_of(source, self.count) == self.index
    }
}

/// The shard a source path belongs to among `count`: BLAKE3 of the path, so
/// the split is the same on every machine, platform and run.
pub fn shard_of(source: &str, count: usize) -> usize {
    let hash = blake3::hash(source.as_bytes());
    let first = u64::from_le_bytes(hash.as_bytes()[..8].try_into().expect("8 bytes"));
    (first % count.max(1) as u64) as usize
}

impl FromStr for Shard {
    type Err = String;

    /// "I/N", with 0 <= I < N: "0/3", "1/3", "2/3".
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let usage = || format!("invalid shard {text:?}: write I/N with 0 <= I < N, such as 0/4 (shards count from 0)");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: usize = index.trim().parse().map_err(|_| usage())?;
        let count: usize = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index >= count {
            return Err(usage());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_from_index_over_count() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["3/3", "1/0", "x/2", "1", "-1/2"] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("I/N"), "{bad}: {err}");
        }
    }

    #[test]
    fn every_source_lands_in_exactly_one_shard_and_the_split_is_pinned() {
        let sources: Vec<String> = (0..300).map(|i| format!("2024/{i:03}_article.txt")).collect();
        for count in 1..=4 {
            for source in &sources {
                let owners = (0..count).filter(|&index| Shard { index, count }.contains(source)).count();
                assert_eq!(owners, 1, "{source} among {count}");
            }
        }
        // Roughly even, and the same on every machine (pinned values).
        let sizes: Vec<usize> =
            (0..3).map(|index| sources.iter().filter(|s| Shard { index, count: 3 }.contains(s)).count()).collect();
        assert!(sizes.iter().all(|&n| (70..=130).contains(&n)), "{sizes:?}");
        // A changed hash would silently reshuffle every existing split.
        assert_eq!([shard_of("a.txt", 7), shard_of("b/c.jsonl", 7)], [0, 4]);
    }
}
