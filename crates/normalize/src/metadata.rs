//! Title, author, publication date, dateline and publisher, read from the page
//! header that boilerplate removal set aside and from the chrome around the
//! article. Each field stays null unless a rule finds it: no guessing.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::NaiveDate;
use regex::Regex;

use crate::boilerplate::Verdict;
use crate::features::LineFeatures;
use crate::text::Line;

const PUBLISHERS_TSV: &str = include_str!("../data/publishers.tsv");

/// "LIMA, Peru —", "BOGOTÁ (EFE) –", "SÃO PAULO -": a place in capitals, an
/// optional country and agency, then a dash, at the start of the first paragraph.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Lu}[\p{Lu}'’. -]{1,30}\p{Lu}(?:,\s*\p{Lu}[\p{L}. ]{1,30})?(?:\s*\([\p{L} .]{2,20}\))?)\s*(?:—|–|--|-)\s+\S")
        .expect("static")
});

/// What every line [`DATELINE`] matches starts with and holds: a capital, then
/// a capital or one of `'’. -`, and a dash somewhere. Most first paragraphs
/// fail it at their second letter, and a run whose documents have no
/// dateline never compiles the pattern (about 100 million instructions: its
/// bounded repetitions of Unicode classes make a large automaton).
fn may_be_dateline(line: &str) -> bool {
    let mut chars = line.chars();
    // `is_uppercase` holds for every `\p{Lu}` letter, and for a few more.
    chars.next().is_some_and(char::is_uppercase)
        && chars.next().is_some_and(|c| c.is_uppercase() || "'’. -".contains(c))
        && line.contains(['—', '–', '-'])
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub author: Option<String>,
    pub published: Option<NaiveDate>,
    pub dateline: Option<String>,
    pub publisher: Option<String>,
}

/// Known publishers: names for finding them in page chrome, domains for URLs.
pub struct Publishers {
    names: Vec<String>,
    domains: Vec<(String, usize)>,
    matcher: AhoCorasick,
}

impl Publishers {
    pub fn load() -> Self {
        let mut names = Vec::new();
        let mut domains = Vec::new();
        for line in PUBLISHERS_TSV.lines().filter(|l| !l.starts_with('#')).skip(1) {
            let Some((name, hosts)) = line.split_once('\t') else { continue };
            for host in hosts.split(',').map(str::trim).filter(|h| !h.is_empty()) {
                domains.push((host.to_string(), names.len()));
            }
            names.push(name.to_string());
        }
        // Longest domains first, so that "g1.globo.com" wins over "globo.com".
        domains.sort_by_key(|(d, _)| std::cmp::Reverse(d.len()));
        let matcher =
            AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&names).expect("publisher names");
        Self { names, domains, matcher }
    }

    /// The publisher of a URL: a known name for a known domain, else the host.
    pub fn publisher_of_url(&self, url: &str) -> Option<String> {
        let host = url.split("://").nth(1).unwrap_or(url).split(['/', '?', '#', ':']).next()?.to_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
        if host.is_empty() || !host.contains('.') {
            return None;
        }
        let known = self.domains.iter().find(|(d, _)| host == *d || host.ends_with(&format!(".{d}")));
        Some(known.map_or(host, |(_, i)| self.names[*i].clone()))
    }

    /// Known publishers named as whole words in `text`.
    fn named_in<'a>(&'a self, text: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.matcher
            .find_iter(text)
            .filter(|m| crate::is_word(text, m.start(), m.end()))
            .map(|m| m.pattern().as_usize())
    }

    /// The known name `name` spells, ignoring case and accents ("Dialogo").
    fn canonical(&self, name: &str) -> Option<&str> {
        let folded = fold(name.trim());
        self.names.iter().find(|n| fold(n) == folded).map(String::as_str)
    }
}

fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect::<String>().to_lowercase()
}

/// Reads the metadata of a page whose lines were classified by `verdicts`.
pub fn extract(lines: &[Line], features: &[LineFeatures], verdicts: &[Verdict], publishers: &Publishers) -> Metadata {
    let start = verdicts.iter().position(Option::is_none).unwrap_or(lines.len());
    let has_chrome = verdicts.iter().any(Option::is_some);
    let head: Vec<usize> = if has_chrome { (0..start).collect() } else { Vec::new() };

    let author = head.iter().find_map(|&i| features[i].byline.clone());
    let published = head
        .iter()
        .find_map(|&i| if features[i].date_line || features[i].byline.is_some() { features[i].date } else { None });
    let title = title(lines, features, &head);
    let dateline = lines
        .get(start)
        .filter(|l| may_be_dateline(&l.text))
        .and_then(|l| DATELINE.captures(&l.text))
        .map(|c| c[1].trim().to_string());

    let publisher = head
        .iter()
        .find_map(|&i| {
            features[i].byline_publisher.as_deref().map(|p| publishers.canonical(p).unwrap_or(p).to_string())
        })
        .or_else(|| author.as_deref().and_then(|a| publishers.canonical(a)).map(str::to_string))
        .or_else(|| {
            // The publisher named most often in the page's chrome and headings,
            // never in its prose: a body that cites "El Deber" was not published by it.
            let mut counts = vec![0usize; publishers.names.len()];
            let mut first_seen = vec![usize::MAX; publishers.names.len()];
            for (i, line) in lines.iter().enumerate() {
                if verdicts[i].is_none() && features[i].prose {
                    continue;
                }
                for p in publishers.named_in(&line.text) {
                    counts[p] += 1;
                    first_seen[p] = first_seen[p].min(i);
                }
            }
            (0..counts.len())
                .filter(|&p| counts[p] > 0)
                .max_by_key(|&p| (counts[p], std::cmp::Reverse(first_seen[p])))
                .map(|p| publishers.names[p].clone())
        });
    Metadata { title, author, published, dateline, publisher }
}

/// The headline among the header lines: a line that another header line repeats
/// (a breadcrumb glued to the title) or else the first line of three or more
/// words that is not a byline, date, widget or link.
fn title(lines: &[Line], features: &[LineFeatures], head: &[usize]) -> Option<String> {
    let candidates: Vec<usize> = head
        .iter()
        .copied()
        .filter(|&i| {
            let f = &features[i];
            f.words >= 3
                && f.words <= 30
                && f.byline.is_none()
                && !f.date_line
                && !f.widget
                && !f.cross_reference
                && !f.menu
        })
        .collect();
    let repeated = candidates.iter().copied().find(|&i| {
        head.iter()
            .any(|&j| j != i && lines[j].text.len() > lines[i].text.len() && lines[j].text.contains(&*lines[i].text))
    });
    repeated.or_else(|| candidates.first().copied()).map(|i| lines[i].text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boilerplate::classify;
    use crate::text::split_lines;

    /// The gate in front of the pattern lets through every line the pattern
    /// matches: five written datelines, and 20,000 lines drawn from capitals,
    /// dashes, spaces and the other characters of the pattern.
    #[test]
    fn the_dateline_gate_hides_no_dateline() {
        for line in ["LA PAZ, Bolivia — The", "SÃO PAULO (Reuters) - A", "LAX -- x", "O'HARE – y", "ÉLE - z"] {
            assert!(DATELINE.is_match(line) && may_be_dateline(line), "{line}");
        }
        assert!(!may_be_dateline("Lima — the capital") && !may_be_dateline("LIMA, the capital"));
        let alphabet = "LAÉÃxé'’. -—–,()\t\u{2160}Ω";
        let pieces: Vec<&str> = alphabet.char_indices().map(|(i, c)| &alphabet[i..i + c.len_utf8()]).collect();
        let capitals = ["L", "A", "É", "Ã", "Ω", "\u{2160}", " ", "-", "'", "."];
        let mut draw = crimefacts_model::draw::Draw::new(0xda7e_11e5);
        let mut datelines = 0;
        for _ in 0..20_000 {
            // Capitals first, then anything: many lines are datelines, many
            // miss by one character.
            let line = draw.text(&capitals, 8) + &draw.text(&pieces, 12) + "x";
            if DATELINE.is_match(&line) {
                datelines += 1;
                assert!(may_be_dateline(&line), "{line:?}");
            }
        }
        assert!(datelines > 100, "the draw should hold datelines ({datelines})");
    }

    fn meta(page: &str) -> Metadata {
        let lines = split_lines(page);
        let features: Vec<LineFeatures> = lines.iter().map(|l| LineFeatures::of(&l.text, None)).collect();
        let verdicts = classify(&features, |_| 1);
        extract(&lines, &features, &verdicts, &Publishers::load())
    }

    #[test]
    fn header_gives_title_author_date_and_publisher() {
        let m = meta(
            "Home › News › Smugglers Shift Routes Through the Pacific\n\nSmugglers Shift Routes Through the Pacific\n\nBy Tomás Ferreira | El Faro\n3 March 2021\n\nFishing boats have replaced small planes as the favorite way to move cocaine, officials said on Tuesday.\n\nThe navy said it intercepted 14 vessels since January, most carrying fuel.",
        );
        assert_eq!(m.title.as_deref(), Some("Smugglers Shift Routes Through the Pacific"));
        assert_eq!(m.author.as_deref(), Some("Tomás Ferreira"));
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2021, 3, 3));
        assert_eq!(m.publisher.as_deref(), Some("El Faro"));
    }

    #[test]
    fn spanish_and_portuguese_headers() {
        let m = meta(
            "Capturan a jefe de clan en Santa Cruz\nPor María Quispe\n22 de julio de 2015\n\nLA PAZ, Bolivia — La policía capturó este martes al presunto jefe de un clan familiar dedicado al narcotráfico.\n\nEl detenido fue trasladado a la capital para su declaración ante la fiscalía.",
        );
        assert_eq!(m.title.as_deref(), Some("Capturan a jefe de clan en Santa Cruz"));
        assert_eq!(m.author.as_deref(), Some("María Quispe"));
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2015, 7, 22));
        assert_eq!(m.dateline.as_deref(), Some("LA PAZ, Bolivia"));
        assert_eq!(m.publisher, None, "nothing names a publisher: leave it null");

        let m = meta(
            "Polícia apreende cocaína no porto\n\nSÃO PAULO (Reuters) - A Polícia Federal apreendeu duas toneladas de cocaína no porto de Santos nesta terça-feira.\n\nA droga seguiria para a Europa, segundo os investigadores.",
        );
        assert_eq!(m.dateline.as_deref(), Some("SÃO PAULO (Reuters)"));
    }

    #[test]
    fn a_byline_naming_a_known_publisher_gives_the_publisher() {
        let m = meta(
            "Bolivia, Peru Cooperate to Fight Drug Trafficking\n\nBy Dialogo\nJuly 22, 2015\n\nBolivian and Peruvian security forces have teamed up this year to destroy clandestine landing strips.",
        );
        assert_eq!(m.author.as_deref(), Some("Dialogo"));
        assert_eq!(m.publisher.as_deref(), Some("Diálogo"));
    }

    #[test]
    fn publishers_cited_in_prose_are_not_the_publisher() {
        let m = meta(
            "The police said the network moved cocaine to Brazil, reported El Deber on Monday.\n\nOfficials did not comment on the report by the newspaper.",
        );
        assert_eq!(m.publisher, None);
        let m = meta(
            "Analysis by the Andes desk\n\nThe police said the network moved cocaine to Brazil, reported El Deber on Monday.\n\nInSight Crime Analysis\n\nOfficials did not comment on the report by the newspaper.",
        );
        assert_eq!(m.publisher.as_deref(), Some("InSight Crime"));
    }

    #[test]
    fn urls_map_to_known_names_or_their_host() {
        let p = Publishers::load();
        assert_eq!(p.publisher_of_url("https://www.insightcrime.org/news/brief/x/").as_deref(), Some("InSight Crime"));
        assert_eq!(p.publisher_of_url("https://g1.globo.com/sp/noticia").as_deref(), Some("G1"));
        assert_eq!(p.publisher_of_url("http://news.example.org/a").as_deref(), Some("news.example.org"));
        assert_eq!(p.publisher_of_url("not a url"), None);
    }
}
