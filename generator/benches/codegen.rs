//! The generator on Microsoft's full published CSDL, against a raw quick-xml pass over the
//! same bytes. Reads the files from `VPPTOKEN_OFFICIAL_CSDL` (default: `../shared/metadata/official`
//! beside the workspace); without them it says so and measures nothing.
//!
//! `cargo bench -p vpptoken-codegen --bench codegen`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use quick_xml::Reader;
use quick_xml::events::Event;
use vpptoken_codegen::config::Config;
use vpptoken_codegen::{codegen, emit, parse};

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

fn bench(c: &mut Criterion) {
    let config_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/codegen.toml");
    let config = Config::load(&config_path).expect("metadata/codegen.toml");
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

criterion_group!(benches, bench);
criterion_main!(benches);
