//! Who said it: per sentence, the speaker ("X said", "said X", "according to
//! X", "según X") and the outlet or body it came through ("reported El Deber",
//! "La Prensa reports that police say"). The document's publisher is the top
//! of every chain and is in `documents.publisher`.

use std::sync::LazyLock;

use crimefacts_model::{Attribution, CompactString, DocRows, Mention};
use regex::Regex;

use crate::{TextView, sentence_run};

/// A cue right before a mention: "according to X", "said X".
static CUE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[\s,(])(according to|citing|said|says|told|reported|reports|according to the|según|segun|de acuerdo con|dijo|informó|reportó|afirmó|señaló|segundo|disse|informou|afirmou)\s+(?:the\s+|el\s+|la\s+|los\s+|o\s+|a\s+)?(?:[\w,]+\s+){0,4}?$")
        .expect("static")
});
/// A cue right after a mention, possibly after an appositive: "Rojas said",
/// "Theo Roncken, coordinator of the group, said". The word end after the
/// verb is a non-word character, consumed, rather than Unicode `\b`, which
/// would send every text with an accent to the PikeVM; only the verb's group
/// is read, and a test holds it to the `\b` form.
static CUE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:,[^,.;]{1,90},|,)?\s+(said|says|told|stated|reported|reports|explained|added|warned|announced|dijo|informó|reportó|afirmó|señaló|explicó|declaró|aseguró|anunció|disse|informou|afirmou|declarou)(?:$|\W)")
        .expect("static")
});

/// Attributions of a document, at most one row per sentence. Never inlined:
/// `just bench-instructions` counts each part of extract by its function.
#[inline(never)]
pub(crate) fn find_attributions(doc: &DocRows, view: &TextView<'_>, mentions: &[Mention]) -> Vec<Attribution> {
    let text = view.text;
    let mut rows = Vec::new();
    for sentence in &doc.sentences {
        let (s_start, s_end) = (view.byte(sentence.start), view.byte(sentence.end));
        let mut speaker: Option<(&CompactString, String)> = None;
        let mut via: Option<(&CompactString, String)> = None;
        for m in sentence_run(mentions, sentence.sentence, |m| m.sentence)
            .iter()
            .filter(|m| !matches!(m.entity_type.as_str(), "location" | "country"))
        {
            let (start, end) = (view.byte(m.start), view.byte(m.end));
            // A mention may run past its sentence ("Tomás Ferreira\n\nBy Tomás"):
            // then there is no text after it in the sentence.
            let before = text.get(s_start..start).unwrap_or_default();
            let after = text.get(end..s_end).unwrap_or_default();
            let cue = CUE_BEFORE
                .captures(before)
                .map(|c| c[1].to_lowercase())
                .or_else(|| CUE_AFTER.captures(after).map(|c| c[1].to_lowercase()));
            let Some(cue) = cue else { continue };
            let slot = if m.entity_type == "media" { &mut via } else { &mut speaker };
            if slot.is_none() {
                *slot = Some((&m.entity_id, cue));
            }
        }
        let cue = speaker.as_ref().or(via.as_ref()).map(|(_, c)| c.clone());
        if let Some(cue) = cue {
            rows.push(Attribution {
                doc_id: doc.document.doc_id.clone(),
                sentence: sentence.sentence,
                speaker: speaker.map(|(id, _)| id.clone()),
                via: via.map(|(id, _)| id.clone()),
                cue: cue.into(),
            });
        }
    }
    rows
}

/// Compiles this module's patterns now, so that the first document does not
/// wait for them (see `Extract::new`).
pub(crate) fn warm_up() {
    LazyLock::force(&CUE_BEFORE);
    LazyLock::force(&CUE_AFTER);
}

#[cfg(test)]
mod tests {
    fn attributions(sentences: &[&str]) -> Vec<(Option<String>, Option<String>, String)> {
        crate::testing::extracted(sentences)
            .attributions
            .into_iter()
            .map(|a| (a.speaker.map(Into::into), a.via.map(Into::into), a.cue.into()))
            .collect()
    }

    /// The cue after a mention, written without `\b`, finds the verb its `\b`
    /// form finds, on drawn texts of appositives, verbs and word characters
    /// after them (accents, a combining accent, an underscore, digits).
    #[test]
    fn the_cue_after_finds_the_verb_its_word_boundary_form_finds() {
        let plain = regex::Regex::new(r"(?i)^(?:,[^,.;]{1,90},|,)?\s+(said|says|told|stated|reported|reports|explained|added|warned|announced|dijo|informó|reportó|afirmó|señaló|explicó|declaró|aseguró|anunció|disse|informou|afirmou|declarou)\b").expect("the plain form compiles");
        #[rustfmt::skip]
        let pieces = [
            " ", ",", ", the head,", "said", "SAYS", "report", "reported", "informó", "declarou", "x", "é", "ó", "_",
            "1", "\u{301}", ".", "\n",
        ];
        let mut matched = 0;
        for text in crimefacts_model::draw::Draw::new(0x5eed_0001).texts(&pieces, 30_000, 7) {
            let verb = |re: &regex::Regex| re.captures(&text).map(|c| c[1].to_string());
            assert_eq!(verb(&super::CUE_AFTER), verb(&plain), "{text:?}");
            matched += usize::from(verb(&plain).is_some());
        }
        assert!(matched > 100, "only {matched} texts matched");
    }

    #[test]
    fn speakers_outlets_and_chains() {
        let found = attributions(&[
            "The kilo costs $1,500 in Santa Cruz, said Vice Minister Felipe Cáceres, reported El Deber.",
        ]);
        assert_eq!(found, [(Some("person:felipe-caceres".into()), Some("media:el-deber".into()), "said".into())]);
        let found = attributions(&[
            "The director of the agency, Alexander Rojas, said a kilo costs $1,500, reported El Deber.",
        ]);
        assert_eq!(found, [(Some("person:alexander-rojas".into()), Some("media:el-deber".into()), "said".into())]);
        let found = attributions(&["La droga iba a Europa, informó el ministro del Interior, Juan Zapata."]);
        assert_eq!(found[0].0.as_deref(), Some("person:juan-zapata"), "{found:?}");
        let found = attributions(&["Según la FELCN, el clan operaba en Santa Cruz, Bolivia."]);
        assert_eq!(found, [(Some("agency:felcn".into()), None, "según".into())]);
        let found = attributions(&["Theo Roncken, a researcher at a civil organization, said the plan was positive."]);
        assert_eq!(found[0].0.as_deref(), Some("person:theo-roncken"));
        assert!(attributions(&["Police seized two tons of cocaine in Bolivia."]).is_empty());
    }

    /// Regression (found by the robustness suite): a name that ran on into the
    /// next paragraph ("Tomás Ferreira\n\nBy Tomás") made the text after it
    /// in its sentence an inverted range, and a panic.
    #[test]
    fn a_mention_past_its_sentence_does_not_panic() {
        use crimefacts_model::DocumentStage;

        let mut doc = crate::testing::doc_with_sentences(&["By Tomás Ferreira"; 3]);
        doc.document.text = ["By Tomás Ferreira"; 3].join("\n\n");
        for (i, s) in doc.sentences.iter_mut().enumerate() {
            (s.start, s.end) = (19 * i as i64, 19 * i as i64 + 17);
        }
        crate::Extract::new().unwrap().process(&mut doc).unwrap();
        assert!(doc.attributions.is_empty());
    }
}
