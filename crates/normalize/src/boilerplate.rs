//! Which lines of a page are the article and which are site chrome.
//!
//! The article is the run of prose that begins at the first prose line and ends
//! at the first share widget or end-of-article marker after most of the page's
//! prose has been read. Inside it, headings stay and widgets, cross-references,
//! date lines and lines that recur across many pages of the same site go.
//! Outside it everything goes, with the reason recorded.

use crate::features::LineFeatures;

/// Share of the page's prose words that must precede a widget or end marker for
/// it to end the article: a share bar under the headline does not.
const END_AFTER_PROSE_SHARE: f64 = 0.5;

/// Documents of the same site a short line must appear in to count as chrome.
pub const REPEATED_SHORT_LINE_DOCS: u32 = 2;
/// Prose lines need more evidence, and only short ones qualify (donation
/// appeals, copyright notices), so that shared paragraphs of related stories stay.
pub const REPEATED_PROSE_LINE_DOCS: u32 = 4;
pub const REPEATED_PROSE_MAX_WORDS: usize = 25;

/// Why a line is not article text; `None` keeps it.
pub type Verdict = Option<&'static str>;

/// Decides every line. `repeats(i)` is the number of documents of the same site
/// (the corpus pass saw) that contain line `i`, this one included. It is never
/// asked about prose of more than [`REPEATED_PROSE_MAX_WORDS`] words, whose
/// count decides nothing: finding a count means hashing the whole line.
pub fn classify(features: &[LineFeatures], repeats: impl Fn(usize) -> u32) -> Vec<Verdict> {
    let n = features.len();
    let is_prose = |f: &LineFeatures| f.prose && !f.widget && !f.cross_reference && !f.end_marker;
    let prose: Vec<usize> = (0..n).filter(|&i| is_prose(&features[i])).collect();
    let Some(&start) = prose.first() else {
        // No running text to anchor on (a caption, a one-line note): keep it all
        // rather than guess.
        return vec![None; n];
    };
    let total_prose: usize = prose.iter().map(|&i| features[i].words).sum();

    let mut prose_before = 0usize;
    let mut cut = n;
    for (i, f) in features.iter().enumerate().skip(start) {
        if (f.widget || f.end_marker) && prose_before as f64 >= END_AFTER_PROSE_SHARE * total_prose as f64 {
            cut = i;
            break;
        }
        if is_prose(f) {
            prose_before += f.words;
        }
    }
    let last_prose = prose.iter().copied().filter(|&i| i < cut).max().unwrap_or(start);

    (0..n)
        .map(|i| {
            let f = &features[i];
            if i < start {
                return Some(head_reason(f));
            }
            if i == cut {
                return Some(if f.widget { "share widget: end of article" } else { "end-of-article marker" });
            }
            if i > cut {
                return Some("after the end of the article");
            }
            if i > last_prose && !(f.sentence && !f.widget && !f.end_marker && !f.cross_reference) {
                return Some("trailing chrome after the last paragraph");
            }
            if f.widget {
                return Some("share widget");
            }
            if f.menu {
                return Some("navigation");
            }
            if f.cross_reference {
                return Some("link to another article");
            }
            if f.end_marker {
                return Some("end-of-article marker inside the body");
            }
            if f.date_line {
                return Some("date line");
            }
            let repeated = if f.prose {
                f.words <= REPEATED_PROSE_MAX_WORDS && repeats(i) >= REPEATED_PROSE_LINE_DOCS
            } else {
                repeats(i) >= REPEATED_SHORT_LINE_DOCS
            };
            repeated.then_some("repeated across pages of the same site")
        })
        .collect()
}

fn head_reason(f: &LineFeatures) -> &'static str {
    if f.byline.is_some() {
        "byline"
    } else if f.date_line {
        "date line"
    } else if f.widget {
        "share widget"
    } else if f.menu {
        "navigation"
    } else {
        "page header before the article"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str], repeats: &[u32]) -> Vec<(String, Verdict)> {
        let features: Vec<LineFeatures> = lines.iter().map(|l| LineFeatures::of(l, None)).collect();
        let repeats = if repeats.is_empty() { vec![1; lines.len()] } else { repeats.to_vec() };
        lines.iter().map(|l| l.to_string()).zip(classify(&features, |i| repeats[i])).collect()
    }

    fn kept(result: &[(String, Verdict)]) -> Vec<&str> {
        result.iter().filter(|(_, v)| v.is_none()).map(|(l, _)| l.as_str()).collect()
    }

    /// A page from an invented publisher: its own header, share bar, related list.
    const PAGE: &[&str] = &[
        "Andes Ledger › World › Americas",
        "Andes Ledger",
        "Smugglers Shift Routes Through the Pacific Coast",
        "By Tomás Ferreira | 3 March 2021",
        "Facebook Twitter WhatsApp Email",
        "Fishing boats have replaced small planes as the favorite way to move cocaine out of the region, according to navy officials who spoke on Tuesday.",
        "The navy said it had intercepted 14 vessels since January, most of them carrying fuel for semi-submersibles.",
        "A changing market",
        "Analysts say the shift follows a crackdown on clandestine airstrips, which pushed traffickers to the sea and to river ports near the border.",
        "READ MORE: Navy seizes record haul off the coast",
        "Officials expect the trend to continue as long as demand in Europe keeps growing.",
        "Share this article",
        "Related stories",
        "Peru's Coca Crop Hits Record High",
        "The area planted with coca rose for the third year in a row, a new report found.",
        "Subscribe to our newsletter for weekly analysis.",
    ];

    #[test]
    fn keeps_the_article_of_an_unseen_site_and_drops_its_chrome() {
        let result = run(PAGE, &[]);
        assert_eq!(kept(&result), [PAGE[5], PAGE[6], "A changing market", PAGE[8], PAGE[10],]);
        let reason = |line: &str| result.iter().find(|(l, _)| l == line).unwrap().1.unwrap();
        assert_eq!(reason("By Tomás Ferreira | 3 March 2021"), "byline");
        assert_eq!(reason("READ MORE: Navy seizes record haul off the coast"), "link to another article");
        assert_eq!(reason("Share this article"), "share widget: end of article");
        assert_eq!(reason("Peru's Coca Crop Hits Record High"), "after the end of the article");
    }

    #[test]
    fn a_share_bar_under_the_headline_does_not_end_the_article() {
        let lines = [
            "Title of the Story Here",
            "The first paragraph explains what happened and who said it in the capital.",
            "Compartir en Facebook Twitter",
            "El segundo párrafo sigue con los detalles de la operación y sus resultados en la frontera.",
            "Y el tercero cierra la nota con la reacción del gobierno y de los expertos consultados.",
        ];
        let result = run(&lines, &[]);
        assert_eq!(kept(&result), [lines[1], lines[3], lines[4]]);
    }

    #[test]
    fn a_body_sentence_that_mentions_related_is_kept() {
        let lines = [
            "The first paragraph explains what happened and who said it in the capital.",
            "Related investigations showed the network moved cocaine through three ports.",
            "A final paragraph closes the story with the reaction of the government.",
        ];
        assert_eq!(kept(&run(&lines, &[])), lines);
    }

    #[test]
    fn lines_repeated_across_the_site_go_unless_they_are_long_prose() {
        let lines = [
            "The first paragraph explains what happened and who said it in the capital.",
            "Donate to keep our reporting free for everyone.",
            "Analysis",
            "The second paragraph, which this site happens to share with another story, is kept because it is long enough to be content rather than chrome on any page.",
            "The last paragraph closes the story.",
        ];
        let result = run(&lines, &[1, 9, 3, 5, 1]);
        assert_eq!(kept(&result), [lines[0], lines[3], lines[4]]);
        // Its count cannot change a long paragraph's verdict, so it is not asked for.
        let features: Vec<LineFeatures> = lines.iter().map(|l| LineFeatures::of(l, None)).collect();
        let asked = std::cell::RefCell::new(Vec::new());
        let verdicts = classify(&features, |i| {
            asked.borrow_mut().push(i);
            [1, 9, 3, 5, 1][i]
        });
        assert_eq!(verdicts, result.iter().map(|(_, v)| *v).collect::<Vec<_>>());
        assert_eq!(asked.into_inner(), [0, 1, 2, 4]);
    }

    #[test]
    fn no_prose_means_nothing_is_removed() {
        let lines = ["Bolivia seized 500 kilos.", "Photo: Reuters"];
        assert_eq!(kept(&run(&lines, &[])), lines);
    }
}
