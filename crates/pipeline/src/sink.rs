//! Parquet output: contract rows -> polars columns -> row groups in a temporary
//! file that becomes `<table>.parquet` only when it is complete. A long table
//! is written as short segment files joined into that one file
//! ([`crate::stitch`]), so the writer's memory does not grow with the table.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use crimefacts_aggregate::polars_type;
use crimefacts_model::{ColumnType, CompactString, Row, RowVisitor, TableSchema};
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{
    BooleanChunkedBuilder, ChunkedBuilder, Column, DataFrame, DataType, Field, Float64Type, Int32Type, Int64Type,
    IntoSeries, KeyValueMetadata, ListBuilderTrait, ListStringChunkedBuilder, ParquetCompression, ParquetWriter,
    PlSmallStr, PolarsResult, PrimitiveChunkedBuilder, Schema, Series, StringChunkedBuilder,
};

use crate::stitch::Stitcher;

/// A Parquet file being written. polars' writer emits page headers and the
/// footer's thrift a few bytes per `write` call (a 20 MB run made 42,000 such
/// system calls); the buffer turns them into a few large writes. The writer's
/// `finish` ends with `flush`, so a failed last write is still an error.
pub type ParquetFile = BufWriter<File>;

/// Creates `path` for a Parquet writer.
pub fn create_parquet_file(path: &Path) -> anyhow::Result<ParquetFile> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(PARQUET_WRITE_BUFFER, file))
}

/// Large enough for a page header or a footer in one piece; pages themselves
/// are larger and go straight through.
const PARQUET_WRITE_BUFFER: usize = 64 << 10;

/// Rows buffered before they are written as one row group...
const ROW_GROUP_ROWS: usize = 128 * 1024;
/// ...or fewer, once their text and values reach this many bytes: 128k rows
/// of `documents` hold whole articles, and memory must not grow with them.
/// Ten tables buffer at once, so this is the pass's largest fixed cost.
const ROW_GROUP_BYTES: usize = 8 << 20;
/// Row groups per segment file: polars' writer keeps about 3 KB per column
/// chunk until its file is closed, so a segment is closed after this many and
/// appended to the table's file.
const SEGMENT_ROW_GROUPS: usize = 16;

/// File-level key-value metadata written into every table.
#[derive(Clone, Debug)]
pub struct FileMetadata {
    pub pipeline: String,
    /// "I/N" in the part files of a sharded run.
    pub shard: Option<String>,
}

impl FileMetadata {
    fn key_values(&self, table: &str) -> KeyValueMetadata {
        let mut pairs = vec![
            ("crimefacts.version".into(), env!("CARGO_PKG_VERSION").into()),
            ("crimefacts.contract_version".into(), crimefacts_model::CONTRACT_VERSION.into()),
            ("crimefacts.pipeline".into(), self.pipeline.clone()),
            ("crimefacts.table".into(), table.into()),
        ];
        if let Some(shard) = &self.shard {
            pairs.push(("crimefacts.shard".into(), shard.clone()));
        }
        KeyValueMetadata::from_static(pairs)
    }
}

/// Where one table is written: its final path, and the hidden temporary files
/// next to it (the file that becomes that path only when complete, the segment
/// being written, the page indexes and row group metadata of a stitched file).
#[derive(Clone, Debug)]
pub struct Destination {
    pub path: PathBuf,
    temp: PathBuf,
    segment: PathBuf,
    indexes: PathBuf,
    row_groups: PathBuf,
}

impl Destination {
    /// `<dir>/<table>.parquet`.
    pub fn single(dir: &Path, table: &str) -> Self {
        Self::at(dir.join(format!("{table}.parquet")))
    }

    /// `<dir>/<table>/shard=<index>/part.parquet`: a hive-style part file that
    /// DuckDB, polars and Spark read as one table with a `shard` column.
    pub fn part(dir: &Path, table: &str, index: usize) -> Self {
        Self::at(dir.join(table).join(format!("shard={index}")).join("part.parquet"))
    }

    fn at(path: PathBuf) -> Self {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("table");
        let hidden = |suffix: &str| path.with_file_name(format!(".{name}{suffix}"));
        Self {
            temp: hidden(".tmp"),
            segment: hidden(".segment.tmp"),
            indexes: hidden(".indexes.tmp"),
            row_groups: hidden(".row-groups.tmp"),
            path,
        }
    }

    /// Creates the folder and removes what a killed run left in it.
    fn prepare(&self) -> anyhow::Result<()> {
        if let Some(folder) = self.path.parent() {
            std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
        }
        for stale in [&self.temp, &self.segment, &self.indexes, &self.row_groups] {
            match std::fs::remove_file(stale) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove stale {}", stale.display()));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Moves the finished temporary file to its final name.
    fn publish(&self) -> anyhow::Result<()> {
        // Data must be on disk before the rename makes it visible under its final name.
        File::open(&self.temp)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot sync {}", self.temp.display()))?;
        std::fs::rename(&self.temp, &self.path)
            .with_context(|| format!("cannot move {} into place", self.path.display()))
    }
}

pub fn polars_schema(table: &TableSchema) -> Schema {
    table.columns.iter().map(|c| Field::new(c.name.into(), polars_type(c.column_type))).collect()
}

/// How rows are cut into row groups and row groups into segments; tests make
/// them small to exercise the cuts.
#[derive(Clone, Copy, Debug)]
struct Limits {
    row_group_rows: usize,
    segment_row_groups: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { row_group_rows: ROW_GROUP_ROWS, segment_row_groups: SEGMENT_ROW_GROUPS }
    }
}

/// Streams rows of one table into row groups of a temporary Parquet file.
pub struct TableWriter {
    table: &'static TableSchema,
    destination: Destination,
    meta: FileMetadata,
    buffer: ColumnBuffers,
    /// Writes the current segment file.
    writer: BatchedWriter<ParquetFile>,
    segment_row_groups: usize,
    limits: Limits,
    /// Set once the first segment is full; a table that fits in one segment
    /// is that segment, renamed.
    stitcher: Option<Stitcher>,
    rows: usize,
}

impl TableWriter {
    pub fn create(destination: Destination, table: &'static TableSchema, meta: &FileMetadata) -> anyhow::Result<Self> {
        destination.prepare()?;
        let writer = start_segment(&destination, table, meta)?;
        Ok(Self {
            table,
            destination,
            meta: meta.clone(),
            buffer: ColumnBuffers::new(table),
            writer,
            segment_row_groups: 0,
            limits: Limits::default(),
            stitcher: None,
            rows: 0,
        })
    }

    pub fn push<R: Row>(&mut self, row: &R) -> anyhow::Result<()> {
        debug_assert_eq!(R::SCHEMA.name, self.table.name);
        self.buffer.next_row();
        row.visit(&mut self.buffer);
        self.rows += 1;
        if self.buffer.len >= self.limits.row_group_rows || self.buffer.bytes >= ROW_GROUP_BYTES {
            self.flush(More::Rows)?;
        }
        Ok(())
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    fn flush(&mut self, next: More) -> anyhow::Result<()> {
        if self.buffer.len == 0 {
            return Ok(());
        }
        let frame = self.buffer.take_frame(next)?;
        self.writer.write_batch(&frame).with_context(|| format!("cannot write a row group of {}", self.table.name))?;
        self.segment_row_groups += 1;
        if self.segment_row_groups == self.limits.segment_row_groups {
            self.next_segment()?;
        }
        Ok(())
    }

    /// Closes the current segment, appends it to the table's file and starts
    /// the next one in its place.
    fn next_segment(&mut self) -> anyhow::Result<()> {
        self.writer.finish().with_context(|| format!("cannot finish a segment of {}", self.table.name))?;
        let destination = &self.destination;
        let stitcher = match &mut self.stitcher {
            Some(stitcher) => stitcher,
            None => self.stitcher.insert(Stitcher::create(
                &destination.temp,
                &destination.indexes,
                &destination.row_groups,
            )?),
        };
        stitcher.append(&destination.segment)?;
        self.writer = start_segment(destination, self.table, &self.meta)?;
        self.segment_row_groups = 0;
        Ok(())
    }

    /// Writes the last row group and the footer, then renames the file into place.
    pub fn finish(mut self) -> anyhow::Result<usize> {
        self.flush(More::None)?;
        let name = self.table.name;
        self.writer.finish().with_context(|| format!("cannot finish Parquet table {name}"))?;
        drop(self.writer);
        let destination = &self.destination;
        match self.stitcher {
            None => std::fs::rename(&destination.segment, &destination.temp).with_context(|| {
                format!("cannot move {} to {}", destination.segment.display(), destination.temp.display())
            })?,
            Some(mut stitcher) => {
                stitcher.append(&destination.segment)?;
                std::fs::remove_file(&destination.segment)?;
                stitcher.finish().with_context(|| format!("cannot finish Parquet table {name}"))?;
            }
        }
        destination.publish()?;
        Ok(self.rows)
    }
}

/// Opens a new segment file of `table`.
fn start_segment(
    destination: &Destination,
    table: &TableSchema,
    meta: &FileMetadata,
) -> anyhow::Result<BatchedWriter<ParquetFile>> {
    ParquetWriter::new(create_parquet_file(&destination.segment)?)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(meta.key_values(table.name)))
        .batched(&polars_schema(table))
        .with_context(|| format!("cannot start Parquet table {}", table.name))
}

/// Writes a whole frame (an aggregate) atomically, checking it against its schema.
pub fn write_frame(
    destination: &Destination,
    table: &TableSchema,
    frame: &mut DataFrame,
    meta: &FileMetadata,
) -> anyhow::Result<usize> {
    check_frame(table, frame)?;
    destination.prepare()?;
    ParquetWriter::new(create_parquet_file(&destination.temp)?)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(meta.key_values(table.name)))
        .finish(frame)
        .with_context(|| format!("cannot write Parquet table {}", table.name))?;
    destination.publish()?;
    Ok(frame.height())
}

/// Frames must have the contract's columns, in order, with its types and no null
/// in a column the contract says is never null.
pub fn check_frame(table: &TableSchema, frame: &DataFrame) -> anyhow::Result<()> {
    let names: Vec<&str> = frame.get_column_names().into_iter().map(|n| n.as_str()).collect();
    let want: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    if names != want {
        bail!("table {} has columns {names:?}, the contract says {want:?}", table.name);
    }
    for (column, spec) in frame.columns().iter().zip(table.columns) {
        let want = polars_type(spec.column_type);
        if column.dtype() != &want {
            bail!("{}.{} is {:?}, the contract says {want:?}", table.name, spec.name, column.dtype());
        }
        if !spec.nullable && column.null_count() > 0 {
            bail!("{}.{} holds nulls but the contract says it never does", table.name, spec.name);
        }
    }
    Ok(())
}

/// A growing column in polars' own layout (string views, value buffers), so a
/// buffered cell costs what it will cost in the row group and becomes a column
/// without a copy.
enum Buffer {
    Utf8(StringChunkedBuilder),
    Int64(PrimitiveChunkedBuilder<Int64Type>),
    Float64(PrimitiveChunkedBuilder<Float64Type>),
    Boolean(BooleanChunkedBuilder),
    Date32(PrimitiveChunkedBuilder<Int32Type>),
    ListUtf8(ListStringChunkedBuilder),
}

impl Buffer {
    /// An empty column with room for `rows` cells.
    fn empty(name: &str, column_type: ColumnType, rows: usize) -> Self {
        let name: PlSmallStr = name.into();
        match column_type {
            ColumnType::Utf8 => Buffer::Utf8(StringChunkedBuilder::new(name, rows)),
            ColumnType::Int64 => Buffer::Int64(PrimitiveChunkedBuilder::new(name, rows)),
            ColumnType::Float64 => Buffer::Float64(PrimitiveChunkedBuilder::new(name, rows)),
            ColumnType::Boolean => Buffer::Boolean(BooleanChunkedBuilder::new(name, rows)),
            ColumnType::Date32 => Buffer::Date32(PrimitiveChunkedBuilder::new(name, rows)),
            ColumnType::ListUtf8 => Buffer::ListUtf8(ListStringChunkedBuilder::new(name, rows, rows)),
        }
    }

    fn finish(self) -> PolarsResult<Series> {
        Ok(match self {
            Buffer::Utf8(b) => b.finish().into_series(),
            Buffer::Int64(b) => b.finish().into_series(),
            Buffer::Float64(b) => b.finish().into_series(),
            Buffer::Boolean(b) => b.finish().into_series(),
            Buffer::Date32(b) => b.finish().into_series().cast(&DataType::Date)?,
            Buffer::ListUtf8(mut b) => b.finish().into_series(),
        })
    }
}

/// Whether rows may follow a row group.
#[derive(Clone, Copy)]
enum More {
    Rows,
    None,
}

/// One growable column per contract column; a [`RowVisitor`] that appends cells.
struct ColumnBuffers {
    table: &'static TableSchema,
    columns: Vec<Buffer>,
    cursor: usize,
    len: usize,
    /// Approximate size of the buffered cells.
    bytes: usize,
}

impl ColumnBuffers {
    fn new(table: &'static TableSchema) -> Self {
        Self { table, columns: Self::empty_columns(table, 0), cursor: 0, len: 0, bytes: 0 }
    }

    fn empty_columns(table: &TableSchema, rows: usize) -> Vec<Buffer> {
        table.columns.iter().map(|c| Buffer::empty(c.name, c.column_type, rows)).collect()
    }

    fn next_row(&mut self) {
        self.cursor = 0;
        self.len += 1;
    }

    fn slot(&mut self) -> &mut Buffer {
        let slot = &mut self.columns[self.cursor];
        self.cursor += 1;
        slot
    }

    fn take_frame(&mut self, next: More) -> anyhow::Result<DataFrame> {
        let height = std::mem::take(&mut self.len);
        self.bytes = 0;
        // The next row group starts with room for half the rows this one
        // took: growing a column of string views from empty by doubling copied
        // it over and over (1.2% of a one-thread run, most of it the
        // mentions'; 0.8% from half). Room for all of them measured 0.5% but
        // 12-14 MB more peak memory on 20 MB (at their size, the columns'
        // blocks probably come from the allocator's separate large segments).
        let room = match next {
            More::Rows => height / 2,
            More::None => 0,
        };
        let buffers = std::mem::replace(&mut self.columns, Self::empty_columns(self.table, room));
        let columns = buffers.into_iter().map(|b| b.finish().map(Column::from)).collect::<PolarsResult<Vec<_>>>()?;
        let frame = DataFrame::new(height, columns)?;
        check_frame(self.table, &frame)?;
        Ok(frame)
    }
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

impl RowVisitor for ColumnBuffers {
    fn utf8(&mut self, value: Option<&str>) {
        self.bytes += 16 + value.map_or(0, str::len);
        if let Buffer::Utf8(b) = self.slot() {
            b.append_option(value);
        }
    }
    fn int64(&mut self, value: Option<i64>) {
        self.bytes += 8;
        if let Buffer::Int64(b) = self.slot() {
            b.append_option(value);
        }
    }
    fn float64(&mut self, value: Option<f64>) {
        self.bytes += 8;
        if let Buffer::Float64(b) = self.slot() {
            b.append_option(value);
        }
    }
    fn boolean(&mut self, value: Option<bool>) {
        self.bytes += 8;
        if let Buffer::Boolean(b) = self.slot() {
            b.append_option(value);
        }
    }
    fn date32(&mut self, value: Option<NaiveDate>) {
        self.bytes += 8;
        if let Buffer::Date32(b) = self.slot() {
            b.append_option(value.map(|d| (d - EPOCH).num_days() as i32));
        }
    }
    fn list_utf8(&mut self, value: &[CompactString]) {
        self.bytes += 24 + value.iter().map(|item| 16 + item.len()).sum::<usize>();
        if let Buffer::ListUtf8(b) = self.slot() {
            b.append_values_iter(value.iter().map(CompactString::as_str));
        }
    }
}

#[cfg(test)]
mod tests {
    use crimefacts_model::{DOCUMENTS, Document, EVENTS, Event, format_compact};

    use polars::prelude::{ParquetReader, SerReader};

    use super::*;

    fn meta() -> FileMetadata {
        FileMetadata { pipeline: "test".into(), shard: None }
    }

    fn read(path: &Path) -> DataFrame {
        ParquetReader::new(File::open(path).unwrap()).finish().unwrap()
    }

    #[test]
    fn writes_contract_types_and_renames_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let destination = Destination::single(dir.path(), "events");
        let mut writer = TableWriter::create(destination.clone(), &EVENTS, &meta()).unwrap();
        let event = Event {
            event_id: "d:e0".into(),
            doc_id: "d".into(),
            sentence: 3,
            event_type: "seizure".into(),
            scope: "incident".into(),
            date_start: NaiveDate::from_ymd_opt(2015, 7, 22),
            date_end: None,
            actors: vec!["agency:felcn".into()],
            places: vec![],
            amounts: vec!["d:a1".into(), "d:a2".into()],
            source: None,
            text: "x".into(),
        };
        writer.push(&event).unwrap();
        assert!(!destination.path.exists(), "no final file before finish");
        assert!(destination.segment.exists(), "rows go to a hidden segment file first");
        assert_eq!(writer.finish().unwrap(), 1);
        assert!(!destination.temp.exists() && !destination.segment.exists());
        let frame = read(&destination.path);
        check_frame(&EVENTS, &frame).unwrap();
        assert_eq!(frame.column("date_start").unwrap().get(0).unwrap().to_string(), "2015-07-22");
        assert_eq!(frame.column("amounts").unwrap().list().unwrap().get_as_series(0).unwrap().len(), 2);
    }

    #[test]
    fn an_empty_table_still_has_its_schema() {
        let dir = tempfile::tempdir().unwrap();
        let destination = Destination::part(dir.path(), "documents", 2);
        TableWriter::create(destination, &DOCUMENTS, &meta()).unwrap().finish().unwrap();
        let frame = read(&dir.path().join("documents/shard=2/part.parquet"));
        assert_eq!(frame.height(), 0);
        check_frame(&DOCUMENTS, &frame).unwrap();
    }

    fn many_events() -> Vec<Event> {
        (0..1000i64)
            .map(|i| Event {
                event_id: format_compact!("d{i}:e0"),
                doc_id: format_compact!("d{i}"),
                sentence: i,
                event_type: "arrest".into(),
                scope: "incident".into(),
                date_start: (i % 2 == 0).then(|| EPOCH + chrono::Duration::days(i)),
                date_end: None,
                actors: (0..i % 3).map(|k| format_compact!("group:g{k}")).collect(),
                places: vec![],
                amounts: vec![],
                source: (i % 5 == 0).then(|| "InSight Crime".into()),
                text: "x".repeat((i % 50) as usize).into(),
            })
            .collect()
    }

    /// The written file, and whether it was stitched from segments.
    fn write_events(folder: &Path, limits: Limits) -> (PathBuf, bool) {
        let destination = Destination::single(folder, "events");
        let mut writer = TableWriter::create(destination.clone(), &EVENTS, &meta()).unwrap();
        writer.limits = limits;
        for event in many_events() {
            writer.push(&event).unwrap();
        }
        let stitched = writer.stitcher.is_some();
        assert_eq!(writer.finish().unwrap(), 1000);
        (destination.path, stitched)
    }

    #[test]
    fn a_table_written_in_segments_is_one_file_with_every_row_and_valid_page_indexes() {
        use polars_parquet_format::thrift::protocol::TCompactInputProtocol;
        use polars_parquet_format::{ColumnIndex, OffsetIndex, PageHeader};

        let dir = tempfile::tempdir().unwrap();
        let (segmented, stitched) =
            write_events(&dir.path().join("segmented"), Limits { row_group_rows: 7, segment_row_groups: 3 });
        let (whole, one_segment_stitched) =
            write_events(&dir.path().join("whole"), Limits { row_group_rows: 7, segment_row_groups: usize::MAX });
        assert!(stitched && !one_segment_stitched, "only the segmented table goes through the stitcher");
        assert!(read(&segmented).equals_missing(&read(&whole)), "stitched rows differ from one writer's");
        let left: Vec<_> =
            std::fs::read_dir(dir.path().join("segmented")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["events.parquet"], "segment or index files left behind");

        let (footer, _) = crate::stitch::read_footer(&mut File::open(&segmented).unwrap()).unwrap();
        let (one_writer, _) = crate::stitch::read_footer(&mut File::open(&whole).unwrap()).unwrap();
        assert_eq!(footer.row_groups.len(), 143, "1000 rows in groups of 7");
        assert_eq!(footer.num_rows, 1000);
        assert_eq!(footer.key_value_metadata, one_writer.key_value_metadata);
        assert_eq!(footer.schema, one_writer.schema);
        let bytes = std::fs::read(&segmented).unwrap();
        let decode_at = |offset: i64| {
            let mut rest = &bytes[offset as usize..];
            let before = rest.len();
            let header =
                PageHeader::read_from_in_protocol(&mut TCompactInputProtocol::new(&mut rest, 1 << 20)).unwrap();
            (header, (before - rest.len()) as i32)
        };
        for (ordinal, group) in footer.row_groups.iter().enumerate() {
            assert_eq!(group.ordinal, Some(ordinal as i16));
            for column in &group.columns {
                let meta = column.meta_data.as_ref().unwrap();
                let (offset, length) = (column.offset_index_offset.unwrap(), column.offset_index_length.unwrap());
                let mut region = &bytes[offset as usize..(offset + length as i64) as usize];
                let index =
                    OffsetIndex::read_from_in_protocol(&mut TCompactInputProtocol::new(&mut region, 1 << 20)).unwrap();
                let first_data_page = index.page_locations[0].offset;
                assert_eq!(first_data_page, meta.data_page_offset);
                for page in &index.page_locations {
                    let (header, header_len) = decode_at(page.offset);
                    assert_eq!(header.compressed_page_size + header_len, page.compressed_page_size);
                }
                if let Some(dictionary) = meta.dictionary_page_offset {
                    decode_at(dictionary);
                }
                if let (Some(offset), Some(length)) = (column.column_index_offset, column.column_index_length) {
                    let mut region = &bytes[offset as usize..(offset + length as i64) as usize];
                    ColumnIndex::read_from_in_protocol(&mut TCompactInputProtocol::new(&mut region, 1 << 20)).unwrap();
                }
            }
        }
    }

    #[test]
    fn check_frame_names_the_wrong_column() {
        let frame = DataFrame::new(1, vec![Column::new("doc_id".into(), vec![1i64])]).unwrap();
        let err = check_frame(&DOCUMENTS, &frame).unwrap_err().to_string();
        assert!(err.contains("documents"), "{err}");
        let _ = Document::default();
    }
}
