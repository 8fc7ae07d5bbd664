//! Near-duplicate detection: word 5-shingles, a 64-value MinHash signature per
//! document, and LSH banding (16 bands of 4 rows) so that each document is
//! compared only with earlier documents sharing a band, never with all of them.
//! A candidate whose signatures agree on at least [`THRESHOLD`] of the 64
//! values (the estimated Jaccard similarity of the shingle sets) is a copy.
//! The index holds a sliding window of recent originals, so its memory is
//! bounded whatever the corpus size.

use std::sync::Arc;

use rustc_hash::FxHashMap;

const SHINGLE: usize = 5;
const PERMUTATIONS: usize = 64;
const BANDS: usize = 16;
const ROWS: usize = PERMUTATIONS / BANDS;
/// Estimated Jaccard similarity at and above which two bodies are one story.
pub const THRESHOLD: f64 = 0.6;
/// Fewer shingles than this and MinHash says little: only exact copies match.
const MIN_SHINGLES: usize = 8;

pub type Signature = [u32; PERMUTATIONS];

/// Fixed (a, b) pairs of the permutations, from a seeded splitmix64 sequence.
static PERMUTATION_KEYS: std::sync::LazyLock<[(u64, u64); PERMUTATIONS]> = std::sync::LazyLock::new(|| {
    let mut keys = [(0u64, 0u64); PERMUTATIONS];
    for (i, key) in keys.iter_mut().enumerate() {
        let i = i as u64;
        *key = (mix(i.wrapping_mul(2).wrapping_add(0x5eed)) | 1, mix(i.wrapping_mul(2).wrapping_add(0x5eee)));
    }
    keys
});

/// splitmix64's finalizer: a fast, well-mixed, platform-independent hash step.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// FNV-1a over bytes, mixed: stable across machines and Rust versions. Keys
/// short strings (document ids); long or many texts take [`EightByteHasher`].
pub fn stable_hash(bytes: &[u8]) -> u64 {
    mix(bytes.iter().fold(0xcbf2_9ce4_8422_2325, |state, &b| (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)))
}

/// A 64-bit hash of a byte stream fed in pieces, which takes eight bytes
/// per step where FNV ([`stable_hash`]) takes one: every line of every page is
/// keyed in the corpus pass, and a multiply per byte was most of it. The
/// hash depends on the bytes only, not on how they were fed (a test feeds
/// streams both ways), and on nothing of the machine.
pub struct EightByteHasher {
    state: u64,
    /// Bytes fed since the last step, the first in the lowest byte.
    pending: u64,
    pending_len: u32,
    total: u64,
}

impl Default for EightByteHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl EightByteHasher {
    pub fn new() -> Self {
        Self { state: 0x243f_6a88_85a3_08d3, pending: 0, pending_len: 0, total: 0 }
    }

    fn step(&mut self, eight: u64) {
        let x = (self.state ^ eight).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.state = x ^ (x >> 29);
    }

    pub fn write_u8(&mut self, byte: u8) {
        self.pending |= u64::from(byte) << (8 * self.pending_len);
        self.pending_len += 1;
        self.total += 1;
        if self.pending_len == 8 {
            self.step(self.pending);
            (self.pending, self.pending_len) = (0, 0);
        }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.write_eight(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if self.pending_len == 0 && !rest.is_empty() {
            // The last few bytes at once (a word's, a short line's) rather
            // than one by one: they become the pending bytes as they are.
            let mut eight = [0u8; 8];
            eight[..rest.len()].copy_from_slice(rest);
            self.pending = u64::from_le_bytes(eight);
            self.pending_len = rest.len() as u32;
            self.total += rest.len() as u64;
        } else {
            rest.iter().for_each(|&b| self.write_u8(b));
        }
    }

    /// Eight bytes, the first in the lowest byte of `eight`.
    pub fn write_eight(&mut self, eight: u64) {
        self.total += 8;
        if self.pending_len == 0 {
            self.step(eight);
        } else {
            let shift = 8 * self.pending_len;
            self.step(self.pending | (eight << shift));
            self.pending = eight >> (64 - shift);
        }
    }

    /// Streams that differ only in trailing zero bytes differ in length.
    pub fn finish(&self) -> u64 {
        let mut last = Self { ..*self };
        if last.pending_len > 0 {
            last.step(last.pending);
        }
        mix(last.state ^ last.total.rotate_left(32))
    }
}

/// What near-duplicate detection keeps of one body.
#[derive(Clone, Debug, PartialEq)]
pub struct Fingerprint {
    /// Hash of the lowercased words: equal for exact copies.
    pub exact: u64,
    pub signature: Option<Box<Signature>>,
}

/// Fingerprints a text: lowercase alphanumeric words, shingled by five.
pub fn fingerprint(text: &str) -> Fingerprint {
    fingerprint_lines([text])
}

/// [`fingerprint`] of the lines joined by line breaks, without joining them:
/// no word runs across a line break.
pub fn fingerprint_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Fingerprint {
    let words = word_hashes(lines);
    // One multiply per word, in word order.
    let exact = mix(words.iter().fold(0u64, |acc, &w| (acc ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29)));
    // The word hashes are mixed already: one mix per shingle of five.
    let shingles: Vec<u64> =
        words.windows(SHINGLE).map(|w| mix(w.iter().fold(0u64, |acc, &x| acc.rotate_left(13) ^ x))).collect();
    if shingles.len() < MIN_SHINGLES {
        return Fingerprint { exact, signature: None };
    }
    let signature = Box::new(minima(&shingles));
    Fingerprint { exact, signature: Some(signature) }
}

/// The [`word_hash`] of each word of the lowercased lines, a word being a
/// run of alphanumeric characters. An ASCII line (most) is lowercased into
/// one buffer kept across lines and split byte by byte.
fn word_hashes<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<u64> {
    let mut hashes = Vec::new();
    let mut ascii_lowered = String::new();
    for line in lines {
        if line.is_ascii() {
            ascii_lowered.clear();
            ascii_lowered.push_str(line);
            ascii_lowered.make_ascii_lowercase();
            let words = ascii_lowered.as_bytes().split(|b| !b.is_ascii_alphanumeric()).filter(|w| !w.is_empty());
            hashes.extend(words.map(word_hash));
        } else {
            // The final-sigma rule reads the letters around it: the whole line is lowercased.
            let lowered = crimefacts_model::lowercase(line);
            let words = lowered.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
            hashes.extend(words.map(|w| word_hash(w.as_bytes())));
        }
    }
    hashes
}

/// The hash of one word. A byte-by-byte hash here was most of
/// fingerprinting, which the corpus pass does for every page.
fn word_hash(word: &[u8]) -> u64 {
    let mut hasher = EightByteHasher::new();
    hasher.write(word);
    hasher.finish()
}

/// The signature: for each permutation, the least permuted shingle hash.
/// The loop is a third of the corpus pass's work when compiled for the
/// baseline x86-64, which has no 64-bit vector multiply; AVX-512 has one.
fn minima(shingles: &[u64]) -> Signature {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512dq") {
        #[allow(unsafe_code)]
        // SAFETY: the CPU was just checked for the features the function is compiled for.
        return unsafe { minima_avx512(shingles) };
    }
    minima_portable(shingles)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn minima_avx512(shingles: &[u64]) -> Signature {
    minima_portable(shingles)
}

/// Permutation i maps a shingle hash x to the high half of a_i * x + b_i
/// (odd a_i): one multiply-add per value, over plain local arrays.
#[inline(always)]
fn minima_portable(shingles: &[u64]) -> Signature {
    let keys: &[(u64, u64); PERMUTATIONS] = &PERMUTATION_KEYS;
    let a: [u64; PERMUTATIONS] = std::array::from_fn(|i| keys[i].0);
    let b: [u64; PERMUTATIONS] = std::array::from_fn(|i| keys[i].1);
    let mut minima = [u32::MAX; PERMUTATIONS];
    for &s in shingles {
        for i in 0..PERMUTATIONS {
            let h = (a[i].wrapping_mul(s).wrapping_add(b[i]) >> 32) as u32;
            minima[i] = minima[i].min(h);
        }
    }
    minima
}

#[cfg(test)]
fn similarity(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / PERMUTATIONS as f64
}

/// Originals kept in the index by default: copies of a story are looked for
/// among the last this many originals in input order. About 300 bytes each,
/// so memory stays bounded whatever the corpus size.
pub const DEFAULT_WINDOW: usize = 50_000;

/// One original in the index.
struct Original {
    /// Shared with every copy found of it, which the stage remembers until the
    /// main pass.
    id: Arc<str>,
    /// The signature cut to 16 bits per value: half the memory, and two
    /// different values collide once in 65,536, which moves an estimated
    /// similarity by a rounding error.
    signature: Option<Box<[u16; PERMUTATIONS]>>,
}

/// The recent originals, indexed for "which earlier document is this?". Each
/// band key and exact hash points to the latest original that has it; when the
/// window is full the oldest original leaves, with its keys.
pub struct DuplicateIndex {
    window: usize,
    /// Ordinal of `originals[0]`.
    first: u64,
    originals: std::collections::VecDeque<Original>,
    exact: FxHashMap<u64, u64>,
    bands: FxHashMap<u64, u64>,
}

impl Default for DuplicateIndex {
    fn default() -> Self {
        Self::with_window(DEFAULT_WINDOW)
    }
}

fn short(signature: &Signature) -> Box<[u16; PERMUTATIONS]> {
    Box::new(std::array::from_fn(|i| (signature[i] >> 16) as u16))
}

fn short_similarity(a: &[u16; PERMUTATIONS], b: &[u16; PERMUTATIONS]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / PERMUTATIONS as f64
}

impl DuplicateIndex {
    pub fn with_window(window: usize) -> Self {
        Self {
            window: window.max(1),
            first: 0,
            originals: std::collections::VecDeque::new(),
            exact: FxHashMap::default(),
            bands: FxHashMap::default(),
        }
    }

    fn get(&self, ordinal: u64) -> Option<&Original> {
        self.originals.get(usize::try_from(ordinal.checked_sub(self.first)?).ok()?)
    }

    /// The first earlier document `fp` duplicates, or `None` after indexing it
    /// as a new original. Call in input order: the first copy is the original.
    pub fn check_and_insert(&mut self, id: &str, fp: &Fingerprint) -> Option<Arc<str>> {
        if let Some(original) = self.exact.get(&fp.exact).and_then(|&o| self.get(o)) {
            return Some(original.id.clone());
        }
        let signature = fp.signature.as_deref().map(short);
        if let (Some(full), Some(mine)) = (&fp.signature, &signature) {
            let mut candidates: Vec<u64> =
                (0..BANDS).filter_map(|b| self.bands.get(&band_key(full, b)).copied()).collect();
            candidates.sort_unstable();
            candidates.dedup();
            let found = candidates.into_iter().filter_map(|c| self.get(c)).find(|other| {
                other.signature.as_deref().is_some_and(|theirs| short_similarity(mine, theirs) >= THRESHOLD)
            });
            if let Some(original) = found {
                return Some(original.id.clone());
            }
        }
        let ordinal = self.first + self.originals.len() as u64;
        self.exact.insert(fp.exact, ordinal);
        if let Some(full) = &fp.signature {
            for b in 0..BANDS {
                self.bands.insert(band_key(full, b), ordinal);
            }
        }
        self.originals.push_back(Original { id: id.into(), signature });
        if self.originals.len() > self.window {
            self.evict_oldest();
        }
        None
    }

    /// Drops the oldest original. Its keys stay in the maps until the next
    /// sweep (they resolve to nothing meanwhile): sweeping once per `SWEEP`
    /// evictions keeps the maps within the window plus `SWEEP` documents at an
    /// amortized constant cost per document.
    fn evict_oldest(&mut self) {
        if self.originals.pop_front().is_none() {
            return;
        }
        self.first += 1;
        if self.first.is_multiple_of(SWEEP) {
            let first = self.first;
            self.exact.retain(|_, o| *o >= first);
            self.bands.retain(|_, o| *o >= first);
        }
    }
}

const SWEEP: u64 = 4096;

fn band_key(signature: &Signature, band: usize) -> u64 {
    signature[band * ROWS..(band + 1) * ROWS].iter().fold(band as u64, |acc, &v| mix(acc ^ u64::from(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_of_the_minhash_loop_gives_the_same_signature() {
        let shingles: Vec<u64> = (0..1000u64).map(|i| mix(i ^ 0xfeed)).collect();
        let expected = minima_portable(&shingles);
        assert_eq!(minima(&shingles), expected);
        assert_eq!(minima(&shingles[..1]), minima_portable(&shingles[..1]));
        // A few pinned values: signatures must not change with the machine or the build.
        assert_eq!(&expected[..4], &[23_467_829, 4_752_910, 3_898_630, 2_733_225]);
    }

    /// The words hashed as they are read are those of the lowercased text
    /// split at every character that is not alphanumeric: 20,000 drawn
    /// texts (fixed seed) of ASCII, accented, Greek (with its final sigma),
    /// Turkish and other letters, digits and separators, in lines.
    #[test]
    fn words_are_hashed_as_the_lowercased_text_splits_them() {
        let oracle = |text: &str| -> Vec<u64> {
            let lowered = crimefacts_model::lowercase(text);
            lowered
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| word_hash(w.as_bytes()))
                .collect()
        };
        #[rustfmt::skip]
        let pieces = [
            "Police", "COCAINE", "la", "Perú", "ÉL", "São", "ΣΟΦΙΑ", "Σ", "σ", "İstanbul", "ǅ", "Ⅻ", "٣", "3,5", "-",
            " ", "\n", "’", ".", "_", "\u{301}", "ß", "ẞ", "😀", "x9",
        ];
        let mut draw = crimefacts_model::draw::Draw::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let text = draw.text(&pieces, 24);
            assert_eq!(word_hashes([text.as_str()]), oracle(&text), "{text:?}");
            let lines: Vec<&str> = text.split('\n').collect();
            assert_eq!(word_hashes(lines), oracle(&text), "{text:?} in lines");
        }
    }

    const STORY: &str = "Bolivian police believe foreign drug trafficking organizations operating in the country are working with local crime families to process cocaine, a potentially ominous sign for security in this Andean nation. According to intelligence obtained by the anti-narcotics police, foreign cartels have established direct links with local crime families in the departments of Cochabamba and Santa Cruz, subcontracting them to oversee cocaine base production there.";

    #[test]
    fn a_republished_story_with_another_headline_and_chrome_is_a_duplicate() {
        let copy = format!(
            "Foreign Cartels Team Up With Bolivian Clans\n{STORY}\nShare this article. Subscribe to our newsletter."
        );
        let mut index = DuplicateIndex::default();
        assert_eq!(index.check_and_insert("a", &fingerprint(STORY)), None);
        assert_eq!(index.check_and_insert("b", &fingerprint(&copy)).as_deref(), Some("a"));
        assert_eq!(index.check_and_insert("c", &fingerprint(&STORY.to_uppercase())).as_deref(), Some("a"));
    }

    #[test]
    fn two_stories_on_the_same_topic_are_not_merged() {
        let other = "Bolivian authorities have reported an increase in cocaine production in the country's western region, suggesting that transnational crime may be expanding its influence within Bolivia. Based on recent discoveries of large-scale cocaine factories near the border with Chile and Peru, anti-drug officials say cocaine processing is growing around the cities of Oruro, Potosi and La Paz.";
        let mut index = DuplicateIndex::default();
        assert_eq!(index.check_and_insert("a", &fingerprint(STORY)), None);
        assert_eq!(index.check_and_insert("b", &fingerprint(other)), None);
        let (a, b) = (fingerprint(STORY).signature.unwrap(), fingerprint(other).signature.unwrap());
        assert!(similarity(&a, &b) < 0.2, "{}", similarity(&a, &b));
    }

    #[test]
    fn short_texts_match_only_exactly() {
        let mut index = DuplicateIndex::default();
        assert_eq!(index.check_and_insert("a", &fingerprint("Police seized two tons.")), None);
        assert_eq!(index.check_and_insert("b", &fingerprint("Police seized three tons.")), None);
        assert_eq!(index.check_and_insert("c", &fingerprint("police seized two tons")).as_deref(), Some("a"));
    }

    #[test]
    fn the_index_forgets_originals_older_than_its_window_and_stays_bounded() {
        // Distinct texts: sixty words drawn from n.
        let story = |n: usize| {
            (0..60).map(|i| format!("w{}", (n * 7919 + i * 104_729) % 1_000_003)).collect::<Vec<_>>().join(" ")
        };
        let mut index = DuplicateIndex::with_window(3);
        for n in 0..10_000 {
            assert_eq!(index.check_and_insert(&format!("s{n}"), &fingerprint(&story(n * 1000))), None);
            assert!(index.originals.len() <= 3);
        }
        // The last three originals are still found; the fourth-last is forgotten.
        assert_eq!(
            index.check_and_insert("copy", &fingerprint(&format!("{} x", story(9_999_000)))).as_deref(),
            Some("s9999")
        );
        assert_eq!(
            index.check_and_insert("copy", &fingerprint(&format!("{} x", story(9_997_000)))).as_deref(),
            Some("s9997")
        );
        assert_eq!(index.check_and_insert("old", &fingerprint(&format!("{} x", story(9_996_000)))), None);
        assert!(index.bands.len() <= (3 + SWEEP as usize) * BANDS, "{}", index.bands.len());
    }

    /// Fed a byte at a time, eight at a time, or in any mix of the two,
    /// a stream hashes the same; streams that differ hash apart.
    #[test]
    fn eight_byte_hashes_depend_on_the_bytes_only() {
        let mut draw = crimefacts_model::draw::Draw::new(0x6a09_e667_f3bc_c908);
        let mut seen = std::collections::HashMap::new();
        for _ in 0..20_000 {
            let stream: Vec<u8> = draw.text(&["a", "B", "\0", "é", "xyz", "12345678"], 40).into_bytes();
            let mut one_by_one = EightByteHasher::new();
            stream.iter().for_each(|&b| one_by_one.write_u8(b));
            let mut mixed = EightByteHasher::new();
            let split = draw.below(stream.len() + 1);
            mixed.write(&stream[..split]);
            let mut rest = &stream[split..];
            while rest.len() >= 8 {
                mixed.write_eight(u64::from_le_bytes(rest[..8].try_into().unwrap()));
                rest = &rest[8..];
            }
            mixed.write(rest);
            assert_eq!(mixed.finish(), one_by_one.finish(), "{stream:?}");
            if let Some(other) = seen.insert(one_by_one.finish(), stream.clone()) {
                assert_eq!(other, stream, "two streams share a hash");
            }
        }
        let hash = |bytes: &[u8]| {
            let mut h = EightByteHasher::new();
            h.write(bytes);
            h.finish()
        };
        assert_ne!(hash(b"a"), hash(b"a\0"));
        assert_ne!(hash(b""), hash(b"\0\0\0\0\0\0\0\0"));
        // Pinned: keys must not change with the machine or the build.
        assert_eq!(hash(b"site\0share this article"), 14_284_884_485_950_995_596);
    }

    /// A word's bytes given at once (its last few in one step) hash as
    /// the same bytes fed one by one.
    #[test]
    fn a_word_hash_is_the_hash_of_its_bytes_fed_one_by_one() {
        let long = "narcotraficantes".repeat(3);
        for word in ["", "a", "cocaine", "cocaines", "perú", "σοφος", long.as_str()] {
            let mut hasher = EightByteHasher::new();
            word.bytes().for_each(|b| hasher.write_u8(b));
            assert_eq!(word_hash(word.as_bytes()), hasher.finish(), "{word}");
        }
    }

    #[test]
    fn hashes_are_pinned() {
        // Changing these re-keys duplicate detection between versions: do it on purpose.
        assert_eq!(stable_hash(b"cocaine"), 7_687_782_956_730_473_776);
        assert_ne!(stable_hash(b"cocaine"), stable_hash(b"cocaina"));
        assert_eq!(word_hash(b"cocaine"), 12_867_314_197_356_922_367);
    }
}
