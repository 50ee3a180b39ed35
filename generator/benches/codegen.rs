//! The generator on Microsoft's full published CSDL, against a raw quick-xml pass over the
//! same bytes. Reads the files from `VPPTOKEN_OFFICIAL_CSDL` (default: `../shared/metadata/official`
//! beside the workspace); without them it says so and measures nothing.
//!
//! The `description_heavy` group needs no files: one type whose description is a single
//! line of 1 MB and then 4 MB, through the whole pipeline. Its throughput must stay about
//! the same at both sizes (a line used to be rescanned for every bracket in it).
//!
//! `cargo bench -p graph-vpptoken-codegen --bench codegen`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::Reader;
use quick_xml::events::Event;
use graph_vpptoken_codegen::config::Config;
use graph_vpptoken_codegen::{codegen, emit, parse};

fn official_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match std::env::var_os("VPPTOKEN_OFFICIAL_CSDL") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root.join(dir),
        None => root.join("../shared/metadata/official"),
    }
}

/// Every event of the document, attributes included: the floor for any CSDL reader.
fn raw_pass(text: &str) -> usize {
    let mut reader = Reader::from_str(text);
    let mut count = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return count,
            Ok(Event::Start(e) | Event::Empty(e)) => count += e.attributes().flatten().count() + 1,
            Ok(_) => count += 1,
        }
    }
}

/// A document whose one property has a description of one line of about `bytes` bytes,
/// with brackets, angle brackets, URLs and code spans all along.
fn description_heavy(bytes: usize) -> String {
    const UNIT: &str = "The [token] is &lt;b&gt; see https://example.com/a?b=[c] and `a[0] &lt;x&gt;` done. ";
    let description = UNIT.repeat(bytes / UNIT.len());
    format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="sample.ns" Alias="s" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<ComplexType Name="thing">
  <Property Name="a" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.Description" String="{description}" /></Property>
</ComplexType>
</Schema>
</edmx:DataServices>
</edmx:Edmx>
"#
    )
}

fn bench_description_heavy(c: &mut Criterion) {
    const CONFIG: &str = r#"
runtime = "crate::runtime"
output = "out"
[[version]]
name = "v1.0"
module = "v1_0"
input = "input.xml"
service_root = "https://example.test/v1.0"
roots = ["sample.ns.thing"]
"#;
    let config = Config::from_toml(Path::new("codegen.toml"), CONFIG).expect("config");
    let version = &config.versions[0];
    let mut group = c.benchmark_group("description_heavy");
    group.sample_size(10);
    for megabytes in [1, 4] {
        let text = description_heavy(megabytes << 20);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("{megabytes}MB_one_line"), |b| {
            b.iter(|| {
                let module = codegen::lower_text("input.xml", black_box(&text), version, "crate::runtime").expect("lowers");
                emit::emit_module(&module).expect("emits")
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let config_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/codegen.toml");
    // The workspace's configuration: not in the packaged crate, where this group says so and
    // measures nothing.
    let config = match Config::load(&config_path) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("skipped: the official_* groups take their roots from the workspace's configuration: {e}");
            return;
        }
    };
    for (module, file) in [("v1_0", "v1.0/cleanMetadata.xml"), ("beta", "beta/beta_metadata.xml")] {
        let path = official_dir().join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} is not there (set VPPTOKEN_OFFICIAL_CSDL)", path.display());
            continue;
        };
        let mut version = config.versions.iter().find(|v| v.module == module).expect("configured").clone();
        version.fixups.clear();
        let mut group = c.benchmark_group(format!("official_{module}"));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(20);
        group.bench_function("raw_quick_xml", |b| b.iter(|| raw_pass(black_box(&text))));
        group.bench_function("parse", |b| b.iter(|| parse::parse_document(file, black_box(&text)).expect("parses")));
        group.bench_function("parse_resolve_select_lower_emit", |b| {
            b.iter(|| {
                let module = codegen::lower_text(file, black_box(&text), &version, "crate::runtime").expect("lowers");
                emit::emit_module(&module).expect("emits")
            })
        });
        group.finish();
    }
}

/// The whole schema: every entity and complex type as a root, every entity set and singleton
/// as a path (as CI's whole-schema step), against the raw quick-xml pass over the same file.
fn bench_whole_schema(c: &mut Criterion) {
    for official in &graph_vpptoken_codegen::scratch::OFFICIAL_VERSIONS {
        let path = official_dir().join(official.file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} is not there (set VPPTOKEN_OFFICIAL_CSDL)", path.display());
            continue;
        };
        let document = parse::parse_document(official.file, &text).expect("parses");
        let version = graph_vpptoken_codegen::scratch::whole_schema_version(&document, official);
        let mut group = c.benchmark_group(format!("whole_schema_{}", official.module));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(10);
        group.bench_function("raw_quick_xml", |b| b.iter(|| raw_pass(black_box(&text))));
        group.bench_function("parse_resolve_select_lower_emit", |b| {
            b.iter(|| {
                let module = codegen::lower_text(official.file, black_box(&text), &version, "crate::runtime").expect("lowers");
                emit::emit_module(&module).expect("emits")
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench, bench_description_heavy, bench_whole_schema);
criterion_main!(benches);
