//! HTML pages: metadata from `<head>`, article text from the DOM.

use crimefacts_model::Document;
use scraper::{ElementRef, Html, Node, Selector};

use crate::parse::parse_date;

/// Subtrees that are never article text.
const SKIPPED: &[&str] = &[
    "nav", "aside", "footer", "script", "style", "noscript", "template", "form", "button", "svg", "iframe", "select",
    "head",
];

/// Elements that end a paragraph of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figcaption",
    "dd",
    "dt",
    "br",
    "hr",
];

/// Elements open at once beyond which a page is read as text with its tags
/// stripped. Pages people write nest a few dozen deep; the HTML parser checks
/// the open elements at every tag, so its time grows with the square of the
/// depth (18,000 nested elements in 1 MB took 3 s, in 2 MB 12 s).
const MAX_NESTING: usize = 1_000;

/// Elements that never have content, so never stay open.
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

pub(crate) fn parse_html(source: &str) -> Document {
    if nesting_upper_bound(source) > MAX_NESTING {
        return Document { text: stripped_text(source), ..Document::default() };
    }
    let page = Html::parse_document(source);
    let meta = |selectors: &[&str]| -> Option<String> {
        selectors.iter().find_map(|css| {
            let selector = Selector::parse(css).expect("static selector");
            page.select(&selector).find_map(|el| {
                let value = el.value().attr("content").or_else(|| el.value().attr("datetime"))?;
                let value = value.trim();
                (!value.is_empty()).then(|| value.to_string())
            })
        })
    };
    let title = meta(&["meta[property='og:title']", "meta[name='twitter:title']"]).or_else(|| {
        let selector = Selector::parse("title").expect("static selector");
        page.select(&selector).next().map(|t| collapse_spaces(&t.text().collect::<String>())).filter(|t| !t.is_empty())
    });
    let published = meta(&[
        "meta[property='article:published_time']",
        "meta[name='article:published_time']",
        "meta[itemprop='datePublished']",
        "meta[name='date']",
        "meta[name='pubdate']",
        "meta[name='publishdate']",
        "time[datetime]",
    ]);
    let url = meta(&["meta[property='og:url']"]).or_else(|| {
        let selector = Selector::parse("link[rel='canonical']").expect("static selector");
        page.select(&selector).find_map(|l| l.value().attr("href").map(str::to_string))
    });
    Document {
        text: body_text(&page),
        title,
        author: meta(&["meta[name='author']", "meta[property='article:author']", "meta[name='byl']"]),
        publisher: meta(&["meta[property='og:site_name']", "meta[name='publisher']"]),
        published: published.as_deref().and_then(parse_date),
        url,
        ..Document::default()
    }
}

/// Text of the first `<article>`, else `<main>`, else the container holding the
/// most paragraph text, else `<body>`; one paragraph per block element, without
/// navigation, asides, footers, scripts or styles.
fn body_text(page: &Html) -> String {
    let first = |css: &str| {
        let selector = Selector::parse(css).expect("static selector");
        page.select(&selector).next()
    };
    let root = first("article")
        .or_else(|| first("main"))
        .or_else(|| densest_container(page))
        .or_else(|| first("body"))
        .unwrap_or_else(|| page.root_element());
    let mut out = TextCollector::default();
    out.walk(root);
    out.finish()
}

/// The `div` or `section` whose own `<p>` children hold the most text: on pages
/// without `<article>` or `<main>`, that is where the story is.
fn densest_container(page: &Html) -> Option<ElementRef<'_>> {
    let containers = Selector::parse("div, section").expect("static selector");
    page.select(&containers)
        .filter(|el| !el.ancestors().filter_map(ElementRef::wrap).any(|a| SKIPPED.contains(&a.value().name())))
        .map(|el| {
            let paragraph_chars: usize = el
                .children()
                .filter_map(ElementRef::wrap)
                .filter(|child| child.value().name() == "p")
                .map(|p| p.text().map(str::len).sum::<usize>())
                .sum();
            (paragraph_chars, el)
        })
        .filter(|(chars, _)| *chars >= 200)
        .max_by_key(|(chars, _)| *chars)
        .map(|(_, el)| el)
}

#[derive(Default)]
struct TextCollector {
    paragraphs: Vec<String>,
    current: String,
}

impl TextCollector {
    /// Depth first, with a stack of its own rather than recursion: pages nest
    /// elements thousands deep, which would overflow a thread's stack.
    fn walk(&mut self, element: ElementRef<'_>) {
        // Per open element: its next child to visit, and whether it ends a paragraph.
        let mut open = vec![(element.first_child(), false)];
        while let Some(top) = open.last_mut() {
            let (next, block) = *top;
            let Some(child) = next else {
                open.pop();
                if block {
                    self.flush();
                }
                continue;
            };
            top.0 = child.next_sibling();
            match child.value() {
                Node::Text(text) => self.current.push_str(text),
                Node::Element(el) => {
                    let name = el.name();
                    if SKIPPED.contains(&name) {
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        self.flush();
                    }
                    open.push((child.first_child(), block));
                }
                _ => {}
            }
        }
    }

    fn flush(&mut self) {
        let paragraph = collapse_spaces(&self.current);
        if !paragraph.is_empty() {
            self.paragraphs.push(paragraph);
        }
        self.current.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.paragraphs.join("\n\n")
    }
}

/// The deepest nesting the tags could make: opening tags minus closing ones,
/// counted in one pass without parsing. It over-counts tags the parser closes
/// by itself (`<p>` before `<div>`), which is what a bound may do.
fn nesting_upper_bound(source: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (at, _) in source.match_indices('<') {
        let rest = &source.as_bytes()[at + 1..];
        match rest.first() {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name = tag_name(&source[at + 1..]);
                if !VOID.iter().any(|void| void.eq_ignore_ascii_case(name)) {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

/// A page's text without parsing it: tags removed, block tags ending
/// paragraphs, what the parsed path skips left out, the commonest entities
/// decoded.
fn stripped_text(source: &str) -> String {
    let mut out = TextCollector::default();
    let mut rest = source;
    while let Some(open) = rest.find('<') {
        out.current.push_str(&rest[..open]);
        let tag = &rest[open + 1..];
        let end = tag.find('>').map_or(tag.len(), |e| e + 1);
        let name = tag_name(tag.trim_start_matches('/'));
        let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        rest = &tag[end..];
        if is(BLOCKS) {
            out.flush();
        } else if is(SKIPPED) && !tag.starts_with('/') {
            // Never article text (code, head, navigation): skip to the closing tag.
            rest = closing_tag(rest, name).map_or("", |at| &rest[at..]);
        }
    }
    out.current.push_str(rest);
    for paragraph in out.paragraphs.iter_mut() {
        *paragraph = decode_entities(paragraph);
    }
    out.current = decode_entities(&out.current);
    out.finish()
}

/// The element name at the start of `tag` (the text after `<` or `</`).
fn tag_name(tag: &str) -> &str {
    &tag[..tag.bytes().take_while(u8::is_ascii_alphanumeric).count()]
}

/// Where `</name` starts in `text`, whatever its case.
fn closing_tag(text: &str, name: &str) -> Option<usize> {
    text.match_indices("</").map(|(at, _)| at).find(|&at| {
        text.as_bytes()[at + 2..].get(..name.len()).is_some_and(|tag| tag.eq_ignore_ascii_case(name.as_bytes()))
    })
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
        .iter()
        .fold(text.to_string(), |text, (entity, character)| text.replace(entity, character))
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
        <title>Site | Fallback title</title>
        <meta property="og:title" content="Peru Cocaine Clans Expanding in Bolivia">
        <meta property="article:published_time" content="2014-08-12T09:00:00-05:00">
        <meta name="author" content="Marguerite Cawley">
        <meta property="og:site_name" content="InSight Crime">
        <style>p { color: red }</style><script>var x = "not text";</script>
      </head><body>
        <nav><a href="/">Home</a> <a href="/news">News</a></nav>
        <article>
          <h1>Peru Cocaine Clans</h1>
          <p>Bolivia is now home to <b>20</b> drug clans.</p>
          <aside>Related: another story</aside>
          <p>A kilo costs
             $1,500.</p>
          <script>track();</script>
        </article>
        <footer>Copyright</footer>
      </body></html>"#;

    #[test]
    fn reads_metadata_and_article_text_without_chrome() {
        let doc = parse_html(PAGE);
        assert_eq!(doc.title.as_deref(), Some("Peru Cocaine Clans Expanding in Bolivia"));
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2014, 8, 12));
        assert_eq!(doc.author.as_deref(), Some("Marguerite Cawley"));
        assert_eq!(doc.publisher.as_deref(), Some("InSight Crime"));
        assert_eq!(doc.text, "Peru Cocaine Clans\n\nBolivia is now home to 20 drug clans.\n\nA kilo costs $1,500.");
    }

    #[test]
    fn without_article_or_main_the_densest_paragraph_container_is_the_body() {
        let story = "<p>Police in Peru seized two tons of cocaine hidden in a shipment of asparagus bound for Rotterdam, prosecutors said.</p><p>The seizure is the largest this year at the port of Callao, where traffickers often hide drugs in fruit containers.</p>";
        let page = format!(
            "<html><body><div id='menu'><p>Home</p><p>World</p></div><div class='content'><h2>Headline</h2>{story}</div><div class='sidebar'><p>Most read: a short teaser.</p></div></body></html>"
        );
        let doc = parse_html(&page);
        assert!(doc.text.starts_with("Headline\n\nPolice in Peru seized"), "{}", doc.text);
        assert!(!doc.text.contains("Most read") && !doc.text.contains("World"));
    }

    #[test]
    fn falls_back_to_title_element_and_body_paragraphs() {
        let doc = parse_html(
            "<html><head><title> A  title </title></head><body><div>One</div><p>Two</p><footer>x</footer></body></html>",
        );
        assert_eq!(doc.title.as_deref(), Some("A title"));
        assert_eq!(doc.text, "One\n\nTwo");
        assert_eq!(doc.published, None);
    }

    /// Regression (found by the robustness suite): the text walk recursed once
    /// per nesting level and overflowed the stack (an abort, not a panic) on
    /// 10,000 nested elements.
    #[test]
    fn deeply_nested_elements_do_not_overflow_the_stack() {
        for (open, close) in [("<b>", "</b>"), ("<span>", "")] {
            let page = format!("{}deep <p>text</p>{}", open.repeat(10_000), close.repeat(10_000));
            let doc = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || parse_html(&page))
                .unwrap()
                .join()
                .unwrap();
            assert_eq!(doc.text, "deep\n\ntext");
        }
    }

    #[test]
    fn a_page_nested_past_the_limit_is_read_as_stripped_text() {
        let depth = MAX_NESTING + 1;
        let page = format!(
            "<html><head><title>Deep</title><style>p {{ x }}</style></head><body>{}{}<script>var a = '<p>';</script></body></html>",
            "<div><p>Police &amp; army seized cocaine in Lima. ".repeat(depth),
            "</p></div>".repeat(depth)
        );
        assert!(nesting_upper_bound(&page) > MAX_NESTING);
        let doc = parse_html(&page);
        // Only the parser reads metadata: no title means the page was not parsed.
        assert_eq!(doc.title, None);
        let paragraphs: Vec<&str> = doc.text.split("\n\n").collect();
        assert_eq!(paragraphs.len(), depth, "{:?} {:?}", &paragraphs[..2], &paragraphs[paragraphs.len() - 2..]);
        assert!(paragraphs.iter().all(|p| *p == "Police & army seized cocaine in Lima."), "{:?}", &paragraphs[..2]);
    }

    #[test]
    fn nesting_counts_open_elements_not_void_or_closed_ones() {
        assert_eq!(nesting_upper_bound("<p>a</p><p>b<br><img src=x></p>"), 1);
        assert_eq!(nesting_upper_bound("<div><DIV><span>x</span></DIV></div>"), 3);
        assert_eq!(nesting_upper_bound("<P>a<BR><Img src=x></P>"), 1);
        assert_eq!(nesting_upper_bound("a < b and <!-- c -->"), 0);
    }
}
