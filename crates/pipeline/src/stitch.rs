//! Joins Parquet files written with one schema into one Parquet file, by copying
//! their row groups' bytes and writing one footer with the offsets moved.
//!
//! Why: polars' Parquet writer keeps about 3 KB per column chunk until its file
//! is closed (page specs for the page index), so one writer open for a whole
//! table grows with the corpus (135 MB at a million articles). A table is
//! written as a run of short segment files instead, each closed after a few
//! row groups and appended here, and only the footer grows: what any Parquet
//! file of that table must hold anyway.
//!
//! Pages are copied, never decoded. The page indexes (column and offset index)
//! are kept: they go to a side file as segments arrive, offset indexes with
//! their page offsets moved, and are copied after the row groups at the end,
//! where readers expect them. The row groups' metadata waits in a second side
//! file (a million articles make 48,000 column chunks: 34 MB decoded, 5 MB
//! encoded) and is streamed into the footer one row group at a time.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail, ensure};
use polars_parquet_format::thrift::protocol::{
    TCompactInputProtocol, TCompactOutputProtocol, TListIdentifier, TOutputProtocol, TType,
};
use polars_parquet_format::{ColumnChunk, FileMetaData, OffsetIndex, RowGroup};

const MAGIC: &[u8; 4] = b"PAR1";
/// Four bytes of footer length, then the magic.
const TRAILER: u64 = 8;

/// One Parquet file being assembled from segments.
pub struct Stitcher {
    path: PathBuf,
    out: BufWriter<File>,
    /// Bytes written to `out`.
    written: u64,
    index_path: PathBuf,
    indexes: BufWriter<File>,
    /// Bytes written to `indexes`; page index offsets in `groups` count from
    /// the side file's start until [`Stitcher::finish`] moves them.
    index_written: u64,
    groups_path: PathBuf,
    /// Every row group's metadata, thrift-encoded one after the other.
    groups: BufWriter<File>,
    group_count: usize,
    num_rows: i64,
    /// The first segment's footer, without row groups: schema and metadata.
    template: Option<FileMetaData>,
}

impl Stitcher {
    /// Starts `path`, keeping page indexes in `index_path` and row group
    /// metadata in `groups_path` until the end.
    pub fn create(path: &Path, index_path: &Path, groups_path: &Path) -> anyhow::Result<Self> {
        let create = |p: &Path| {
            // The side file is read back at the end.
            File::options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(p)
                .with_context(|| format!("cannot create {}", p.display()))
        };
        let mut out = BufWriter::new(create(path)?);
        out.write_all(MAGIC)?;
        Ok(Self {
            path: path.to_owned(),
            out,
            written: MAGIC.len() as u64,
            index_path: index_path.to_owned(),
            indexes: BufWriter::new(create(index_path)?),
            index_written: 0,
            groups_path: groups_path.to_owned(),
            groups: BufWriter::new(create(groups_path)?),
            group_count: 0,
            num_rows: 0,
            template: None,
        })
    }

    /// Appends every row group of the closed Parquet file `segment`.
    pub fn append(&mut self, segment: &Path) -> anyhow::Result<()> {
        self.append_file(segment)
            .with_context(|| format!("cannot append {} to {}", segment.display(), self.path.display()))
    }

    fn append_file(&mut self, segment: &Path) -> anyhow::Result<()> {
        let mut file = File::open(segment)?;
        let (mut metadata, footer_start) = read_footer(&mut file)?;
        let data_end = data_end(&metadata)?.max(MAGIC.len() as u64);
        ensure!(data_end <= footer_start, "column chunks reach past the footer");

        file.seek(SeekFrom::Start(MAGIC.len() as u64))?;
        let data_len = data_end - MAGIC.len() as u64;
        let copied = std::io::copy(&mut (&mut file).take(data_len), &mut self.out)?;
        ensure!(copied == data_len, "file ends inside its row groups");
        let shift = self.written as i64 - MAGIC.len() as i64;
        self.written += data_len;

        // Page indexes lie between the row groups and the footer.
        let mut tail = vec![0; (footer_start - data_end) as usize];
        file.read_exact(&mut tail)?;
        for mut group in std::mem::take(&mut metadata.row_groups) {
            group.file_offset = group.file_offset.map(|o| o + shift);
            group.ordinal = i16::try_from(self.group_count).ok();
            for column in &mut group.columns {
                self.move_column(column, shift, &tail, data_end)?;
            }
            group.write_to_out_protocol(&mut TCompactOutputProtocol::new(&mut self.groups))?;
            self.group_count += 1;
            self.num_rows += group.num_rows;
        }
        if self.template.is_none() {
            self.template = Some(metadata);
        }
        Ok(())
    }

    fn move_column(
        &mut self,
        column: &mut ColumnChunk,
        shift: i64,
        tail: &[u8],
        tail_start: u64,
    ) -> anyhow::Result<()> {
        if column.file_offset > 0 {
            column.file_offset += shift;
        }
        if let Some(meta) = &mut column.meta_data {
            meta.data_page_offset += shift;
            meta.dictionary_page_offset = meta.dictionary_page_offset.map(|o| o + shift);
            meta.index_page_offset = meta.index_page_offset.map(|o| o + shift);
        }
        if let Some(bytes) = index_bytes(tail, tail_start, column.column_index_offset, column.column_index_length)? {
            column.column_index_offset = Some(self.index_written as i64);
            self.write_index(bytes)?;
        }
        if let Some(bytes) = index_bytes(tail, tail_start, column.offset_index_offset, column.offset_index_length)? {
            let mut index =
                OffsetIndex::read_from_in_protocol(&mut thrift_reader(bytes)).context("unreadable offset index")?;
            for page in &mut index.page_locations {
                page.offset += shift;
            }
            let mut encoded = Vec::with_capacity(bytes.len() + 8);
            index.write_to_out_protocol(&mut TCompactOutputProtocol::new(&mut encoded))?;
            column.offset_index_offset = Some(self.index_written as i64);
            column.offset_index_length = Some(i32::try_from(encoded.len())?);
            self.write_index(&encoded)?;
        }
        Ok(())
    }

    fn write_index(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.indexes.write_all(bytes)?;
        self.index_written += bytes.len() as u64;
        Ok(())
    }

    /// Copies the page indexes after the row groups and writes the footer. The
    /// caller syncs and renames the file.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let Some(mut metadata) = self.template.take() else {
            bail!("{} has no segment to take its schema from", self.path.display());
        };
        let index_start = self.written as i64;
        std::io::copy(&mut rewound(self.indexes)?, &mut self.out)?;
        std::fs::remove_file(&self.index_path)?;

        // The footer is the template's fields around the row group list,
        // which is streamed: decoded, index offsets moved, encoded.
        metadata.num_rows = self.num_rows;
        let (before, after) = around_row_groups(&metadata)?;
        let mut footer = Vec::new();
        TCompactOutputProtocol::new(&mut footer)
            .write_list_begin(&TListIdentifier::new(TType::Struct, u32::try_from(self.group_count)?))?;
        self.out.write_all(&before)?;
        self.out.write_all(&footer)?;
        let mut footer_len = before.len() + footer.len() + after.len();
        let groups_len = self.groups.get_ref().metadata()?.len() as usize;
        let mut groups = BufReader::new(rewound(self.groups)?);
        let mut encoded = TCompactInputProtocol::new(&mut groups, groups_len.saturating_mul(16));
        for _ in 0..self.group_count {
            let mut group = RowGroup::read_from_in_protocol(&mut encoded).context("unreadable row group metadata")?;
            for column in &mut group.columns {
                column.column_index_offset = column.column_index_offset.map(|o| o + index_start);
                column.offset_index_offset = column.offset_index_offset.map(|o| o + index_start);
            }
            footer.clear();
            group.write_to_out_protocol(&mut TCompactOutputProtocol::new(&mut footer))?;
            self.out.write_all(&footer)?;
            footer_len += footer.len();
        }
        drop(groups);
        std::fs::remove_file(&self.groups_path)?;
        self.out.write_all(&after)?;
        self.out.write_all(&u32::try_from(footer_len)?.to_le_bytes())?;
        self.out.write_all(MAGIC)?;
        self.out.flush()?;
        Ok(())
    }
}

/// A side file, flushed and read from its start.
fn rewound(writer: BufWriter<File>) -> anyhow::Result<File> {
    let mut file = writer.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(0))?;
    Ok(file)
}

/// The encoded footer `metadata` (whose row groups are ignored) without its
/// row group list: the bytes before the list's header, and the bytes after
/// its last element. In the compact protocol a struct in a list encodes the
/// same wherever it is, so the row groups can be encoded apart.
fn around_row_groups(metadata: &FileMetaData) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let encode = |m: &FileMetaData| -> anyhow::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        m.write_to_out_protocol(&mut TCompactOutputProtocol::new(&mut bytes))?;
        Ok(bytes)
    };
    let empty = FileMetaData { row_groups: Vec::new(), ..metadata.clone() };
    // Up to the row groups (field 4): then an empty list's header and the end.
    let head_only = FileMetaData {
        key_value_metadata: None,
        created_by: None,
        column_orders: None,
        encryption_algorithm: None,
        footer_signing_key_metadata: None,
        ..empty.clone()
    };
    let (whole, head) = (encode(&empty)?, encode(&head_only)?);
    const EMPTY_STRUCT_LIST: u8 = 0x0C;
    const STOP: u8 = 0x00;
    let list_at = head.len() - 2;
    ensure!(
        head[list_at..] == [EMPTY_STRUCT_LIST, STOP] && whole[..=list_at] == head[..=list_at],
        "unexpected footer encoding"
    );
    Ok((head[..list_at].to_vec(), whole[list_at + 1..].to_vec()))
}

/// The footer of a Parquet file, and where it starts.
pub(crate) fn read_footer(file: &mut File) -> anyhow::Result<(FileMetaData, u64)> {
    let len = file.metadata()?.len();
    ensure!(len >= MAGIC.len() as u64 + TRAILER, "too short for a Parquet file");
    let mut trailer = [0u8; TRAILER as usize];
    file.seek(SeekFrom::End(-(TRAILER as i64)))?;
    file.read_exact(&mut trailer)?;
    ensure!(&trailer[4..] == MAGIC, "no Parquet magic at the end");
    let footer_len = u32::from_le_bytes(trailer[..4].try_into()?) as u64;
    let footer_start = len
        .checked_sub(TRAILER + footer_len)
        .filter(|start| *start >= MAGIC.len() as u64)
        .context("footer longer than the file")?;
    let mut footer = vec![0; footer_len as usize];
    file.seek(SeekFrom::Start(footer_start))?;
    file.read_exact(&mut footer)?;
    let metadata = FileMetaData::read_from_in_protocol(&mut thrift_reader(&footer)).context("unreadable footer")?;
    Ok((metadata, footer_start))
}

/// A thrift reader of `bytes`. Its limit counts decoded memory (8 bytes per
/// list element), and no element takes less than one byte encoded.
fn thrift_reader(bytes: &[u8]) -> TCompactInputProtocol<&[u8]> {
    TCompactInputProtocol::new(bytes, bytes.len().saturating_mul(16))
}

/// Where the last column chunk ends: row groups are written one after the
/// other from the magic on, so this is the end of the data.
fn data_end(metadata: &FileMetaData) -> anyhow::Result<u64> {
    let mut end = 0u64;
    for column in metadata.row_groups.iter().flat_map(|g| &g.columns) {
        let meta = column.meta_data.as_ref().context("column chunk without metadata")?;
        ensure!(column.file_path.is_none(), "column chunk in another file");
        let start = meta.dictionary_page_offset.unwrap_or(meta.data_page_offset).min(meta.data_page_offset);
        let chunk_end = u64::try_from(start + meta.total_compressed_size).context("negative column chunk offset")?;
        end = end.max(chunk_end);
    }
    Ok(end)
}

/// The bytes of one page index, found in the region after the row groups.
fn index_bytes(
    tail: &[u8],
    tail_start: u64,
    offset: Option<i64>,
    length: Option<i32>,
) -> anyhow::Result<Option<&[u8]>> {
    let (Some(offset), Some(length)) = (offset, length) else {
        return Ok(None);
    };
    let start = u64::try_from(offset)?.checked_sub(tail_start).context("page index inside the row groups")? as usize;
    let end = start + usize::try_from(length)?;
    tail.get(start..end).map(Some).context("page index past the footer")
}
