//! Long descriptions cost memory in proportion to their length, whatever their shape.
//!
//! The whole pipeline (parse, resolve, select, lower, emit) runs on documents whose
//! descriptions total `N` and `2N` bytes, counting what it asks of the allocator; the
//! extra over an empty description must double, not quadruple, when `N` does. Nothing
//! is timed: for time, see the `description_heavy` group of `benches/codegen.rs`.
//!
//! This file is a test binary of its own because it installs a counting global
//! allocator; it holds a single test so that nothing else allocates meanwhile.

use std::alloc::System;
use std::path::Path;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use graph_vpptoken_codegen::config::Config;
use graph_vpptoken_codegen::{codegen, emit};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

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

/// Prose with everything the description handling treats specially: brackets, angle
/// brackets (as entities), URLs, code spans and a character reference.
const UNIT: &str = "The [token] is &lt;b&gt; see https://example.com/a?b=[c] and `a[0] &lt;x&gt;` &#233;t&#233;. ";

/// A document whose `thing` has two described properties: one description on a single
/// line, one of many lines; about `bytes` bytes of description in all.
fn document(bytes: usize) -> String {
    let units = bytes / UNIT.len() / 2;
    let one_line = UNIT.repeat(units);
    let many_lines = format!("{UNIT}&#10;").repeat(units);
    format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="sample.ns" Alias="s" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<ComplexType Name="thing">
  <Property Name="a" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.Description" String="{one_line}" /></Property>
  <Property Name="b" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.Description"><String>{many_lines}</String></Annotation></Property>
</ComplexType>
</Schema>
</edmx:DataServices>
</edmx:Edmx>
"#
    )
}

/// What generating from `text` asks of the allocator: (bytes, allocations).
fn cost(config: &Config, text: &str) -> (usize, usize) {
    let region = Region::new(GLOBAL);
    let module = codegen::lower_text("input.xml", text, &config.versions[0], &config.runtime).expect("lowers");
    let files = emit::emit_module(&module).expect("emits");
    assert!(!files.is_empty());
    drop((module, files));
    let change = region.change();
    (change.bytes_allocated, change.allocations + change.reallocations)
}

#[test]
fn doubling_the_descriptions_doubles_the_memory_asked_for() {
    const N: usize = 1 << 20;
    let config = Config::from_toml(Path::new("codegen.toml"), CONFIG).expect("config");
    let texts = [document(0), document(N), document(2 * N)];
    let [base, one, two] = texts.map(|text| cost(&config, &text));
    let extra = |(bytes, count): (usize, usize)| (bytes.saturating_sub(base.0), count.saturating_sub(base.1));
    let (one, two) = (extra(one), extra(two));
    eprintln!("extra for {N} bytes: {one:?}; for {}: {two:?}", 2 * N);

    // Linear: twice the text asks for about twice as much (quadratic would be four times).
    assert!(two.0 * 10 <= one.0 * 23, "bytes: {one:?} then {two:?}");
    assert!(two.1 * 10 <= one.1 * 23, "allocations: {one:?} then {two:?}");
    // And by a bounded factor: some copies of the text (about 28 bytes a byte when
    // written), a few dozen allocations a line (about 45), not one a character.
    assert!(one.0 <= 64 * N, "{} bytes allocated for {N} bytes of description", one.0);
    assert!(one.1 <= N / 2, "{} allocations for {N} bytes of description", one.1);
}
