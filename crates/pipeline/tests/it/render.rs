//! Readable text renderings of stage outputs for snapshots: one line per row,
//! offsets and values first, so that a diff shows what changed at a glance.

use std::fmt::Write;

use crimefacts_model::DocRows;
use polars::prelude::DataFrame;

/// Renders the parts of `after` that differ from `before`: what a stage wrote.
pub fn stage_output(before: &DocRows, after: &DocRows) -> String {
    let mut out = String::new();
    let d = &after.document;
    if d != &before.document {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        writeln!(out, "# documents").unwrap();
        writeln!(out, "doc_id:       {}", d.doc_id).unwrap();
        writeln!(out, "source:       {}", d.source).unwrap();
        writeln!(out, "publisher:    {}", opt(&d.publisher)).unwrap();
        writeln!(out, "title:        {}", opt(&d.title)).unwrap();
        writeln!(out, "author:       {}", opt(&d.author)).unwrap();
        writeln!(out, "published:    {}", d.published.map_or("-".into(), |p| p.to_string())).unwrap();
        writeln!(out, "dateline:     {}", opt(&d.dateline)).unwrap();
        let confidence = d.language_confidence.map_or(String::new(), |c| format!(" ({c})"));
        writeln!(out, "language:     {}{confidence}", opt(&d.language)).unwrap();
        writeln!(out, "raw_chars:    {}", d.raw_chars).unwrap();
        writeln!(out, "body_chars:   {}", d.body_chars).unwrap();
        writeln!(out, "duplicate_of: {}", opt(&d.duplicate_of)).unwrap();
        writeln!(out, "text: |\n{}", indent(&d.text)).unwrap();
    }
    if after.boilerplate != before.boilerplate {
        writeln!(out, "\n# boilerplate ({}), offsets into the raw text", after.boilerplate.len()).unwrap();
        for b in &after.boilerplate {
            let text = if b.text.chars().count() > 100 {
                format!("{}… ({} chars)", b.text.chars().take(100).collect::<String>(), b.text.chars().count())
            } else {
                b.text.to_string()
            };
            writeln!(out, "[{}..{}) {}: {:?}", b.start, b.end, b.reason, text).unwrap();
        }
    }
    if after.sentences != before.sentences {
        writeln!(out, "\n# sentences ({})", after.sentences.len()).unwrap();
        for s in &after.sentences {
            writeln!(out, "{:>3} [{}..{}) {}", s.sentence, s.start, s.end, s.text).unwrap();
        }
    }
    if after.mentions != before.mentions {
        writeln!(out, "\n# mentions ({})", after.mentions.len()).unwrap();
        for m in &after.mentions {
            writeln!(
                out,
                "s{} [{}..{}) {:?} -> {} {} {:?} country={}{} lat={:?} lon={:?} {} {:.2}",
                m.sentence,
                m.start,
                m.end,
                m.text,
                m.entity_type,
                m.entity_id,
                m.canonical_name,
                m.country.as_deref().unwrap_or("-"),
                m.admin1.as_ref().map_or(String::new(), |a| format!(" admin1={a:?}")),
                m.latitude,
                m.longitude,
                m.method,
                m.confidence
            )
            .unwrap();
        }
    }
    if after.amounts != before.amounts {
        writeln!(out, "\n# amounts ({})", after.amounts.len()).unwrap();
        for a in &after.amounts {
            writeln!(
                out,
                "{} s{} [{}..{}) {:?} {} {} {}{} -> {} {} per={} {} drug={} object={}{}{}",
                a.amount_id,
                a.sentence,
                a.start,
                a.end,
                a.text,
                a.kind,
                a.value,
                a.unit,
                a.value_max.map_or(String::new(), |m| format!(" (max {m})")),
                a.value_norm.map_or("-".to_string(), |v| v.to_string()),
                a.unit_norm,
                a.per.as_deref().unwrap_or("-"),
                a.qualifier,
                a.drug.as_deref().unwrap_or("-"),
                a.object.as_deref().unwrap_or("-"),
                a.place.as_ref().map_or(String::new(), |p| format!(" place={p}")),
                a.level.as_ref().map_or(String::new(), |l| format!(" level={l}")),
            )
            .unwrap();
        }
    }
    if after.dates != before.dates {
        writeln!(out, "\n# dates ({})", after.dates.len()).unwrap();
        for d in &after.dates {
            let day = |x: Option<chrono::NaiveDate>| x.map_or("-".to_string(), |x| x.to_string());
            writeln!(
                out,
                "s{} [{}..{}) {:?} -> {}..{} {}",
                d.sentence,
                d.start,
                d.end,
                d.text,
                day(d.date_start),
                day(d.date_end),
                d.grain
            )
            .unwrap();
        }
    }
    if after.events != before.events {
        writeln!(out, "\n# events ({})", after.events.len()).unwrap();
        for e in &after.events {
            let day = |x: Option<chrono::NaiveDate>| x.map_or("-".to_string(), |x| x.to_string());
            writeln!(
                out,
                "{} s{} {} {} {}..{} actors={:?} places={:?} amounts={:?} source={}",
                e.event_id,
                e.sentence,
                e.event_type,
                e.scope,
                day(e.date_start),
                day(e.date_end),
                e.actors,
                e.places,
                e.amounts,
                e.source.as_deref().unwrap_or("-")
            )
            .unwrap();
        }
    }
    if after.attributions != before.attributions {
        writeln!(out, "\n# attributions ({})", after.attributions.len()).unwrap();
        for a in &after.attributions {
            let id = |x: &Option<crimefacts_model::CompactString>| x.as_deref().unwrap_or("-").to_string();
            writeln!(out, "s{} speaker={} via={} cue={:?}", a.sentence, id(&a.speaker), id(&a.via), a.cue).unwrap();
        }
    }
    if after.flows != before.flows {
        writeln!(out, "\n# flows ({})", after.flows.len()).unwrap();
        for f in &after.flows {
            writeln!(out, "{f:?}").unwrap();
        }
    }
    if out.is_empty() {
        out.push_str("(no change)\n");
    }
    out
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
}

/// A whole frame, one row per line, every column: polars' own Display truncates.
pub fn frame(frame: &DataFrame) -> String {
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut out = format!("{}\n", names.join(" | "));
    for i in 0..frame.height() {
        let row = frame.get(i).unwrap();
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        writeln!(out, "{}", cells.join(" | ")).unwrap();
    }
    out
}
