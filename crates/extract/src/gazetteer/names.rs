//! How names compare: accents folded, ASCII case folded, word ends. Shared
//! with `build.rs`, which compiles the gazetteer with these same rules, so it
//! depends on the standard library alone.

/// The name without diacritics, so that "Apurimac" in a text finds "Apurímac".
pub(crate) fn without_accents(name: &str) -> String {
    name.chars().map(without_accent).collect()
}

/// Whether two names are one, ignoring accents and ASCII case, without
/// building either.
pub(crate) fn same_name_without_accents(a: &str, b: &str) -> bool {
    let plain = |c: char| without_accent(c).to_ascii_lowercase();
    a.chars().map(plain).eq(b.chars().map(plain))
}

fn without_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
        'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'A',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'É' | 'È' | 'Ê' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Î' => 'I',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
        'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ç' => 'c',
        'Ç' => 'C',
        c => c,
    }
}

/// The end of the word that starts at `start`: the first character that is
/// not alphanumeric.
pub(crate) fn word_end(text: &str, start: usize) -> usize {
    text[start..].char_indices().find(|(_, c)| !c.is_alphanumeric()).map_or(text.len(), |(i, _)| start + i)
}

/// A hash of `bytes` as if ASCII-lowercased (64-bit FNV-1a): the gazetteer's
/// index is keyed by it, at build time and at run time alike.
pub(crate) fn folded_key(bytes: &[u8]) -> u64 {
    folded_key_continued(0xcbf2_9ce4_8422_2325, bytes)
}

/// The key of some bytes followed by `bytes`, from the key of the former: a
/// name's key grows word by word without hashing its start again.
pub(crate) fn folded_key_continued(key: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(key, |h, b| (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3))
}
