//! `cargo xtask codegen [--check]`: regenerate `generated/` from `metadata/`.
//! `cargo xtask whole-schema`: generate every type and path of Microsoft's published CSDL
//! into a scratch crate (`target/whole-schema/`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use vpptoken_codegen::config::Config;
use vpptoken_codegen::emit::File;
use vpptoken_codegen::write::{self, Outcome};
use vpptoken_codegen::{Error, codegen, parse, scratch};

/// The variable naming the folder of Microsoft's published CSDL.
const OFFICIAL_VARIABLE: &str = "VPPTOKEN_OFFICIAL_CSDL";

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the generated crate from the metadata.
    Codegen {
        /// Write nothing; fail, naming them, if generated files are stale.
        #[arg(long)]
        check: bool,
        /// The configuration file.
        #[arg(long, default_value_os_t = workspace_root().join("metadata/codegen.toml"))]
        config: PathBuf,
    },
    /// Generate Microsoft's published CSDL (v1.0 and beta) into a standalone scratch crate,
    /// printing the time and peak memory of each generation. Lint it afterwards with
    /// `cargo clippy --manifest-path target/whole-schema/Cargo.toml -- -D warnings`.
    WholeSchema {
        /// Which roots and paths to generate: `official`, every entity and complex type and
        /// every entity set and singleton of the file; `config`, those of the configuration
        /// file's version of the same module.
        #[arg(long, value_enum, default_value_t = RootsFrom::Official)]
        roots_from: RootsFrom,
        /// Keep only the first N roots and the first N paths (both sorted by name).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Only this version (`v1.0` or `beta`); may be repeated. Default: both.
        #[arg(long = "version", value_name = "NAME")]
        versions: Vec<String>,
        /// The folder of the published CSDL. Default: the `VPPTOKEN_OFFICIAL_CSDL` variable
        /// (relative to the workspace root).
        #[arg(long)]
        official: Option<PathBuf>,
        /// The scratch crate's folder.
        #[arg(long, default_value_os_t = workspace_root().join("target/whole-schema"))]
        out: PathBuf,
        /// The configuration file read by `--roots-from config`.
        #[arg(long, default_value_os_t = workspace_root().join("metadata/codegen.toml"))]
        config: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RootsFrom {
    Official,
    Config,
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let result = match Cli::parse().task {
        Task::Codegen { check, config } => run(check, &config),
        Task::WholeSchema { roots_from, limit, versions, official, out, config } => {
            whole_schema(roots_from, limit, &versions, official, &out, &config)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A path as shown to the user: relative to the workspace root when inside it.
fn shown(path: &Path) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let root = workspace_root().canonicalize().unwrap_or_else(|_| workspace_root());
    canonical.strip_prefix(&root).unwrap_or(&canonical).display().to_string()
}

fn run(check: bool, config_path: &Path) -> Result<(), Error> {
    let started = Instant::now();
    let config = Config::load(config_path)?;
    let config_dir = config_path.parent().unwrap_or(Path::new("."));
    let out_dir = config_dir.join(&config.output);
    let files = codegen::generate(&config, config_dir)?;
    let report = write::sync(&out_dir, &files, check)?;
    let changed = print_report(&shown(&out_dir), &report);
    let elapsed = started.elapsed();
    if check {
        println!("{} generated files are up to date ({:.0?})", report.len(), elapsed);
    } else {
        println!("{changed} of {} generated files changed ({:.0?})", report.len(), elapsed);
    }
    Ok(())
}

/// Prints one line per file; returns how many changed.
fn print_report(shown: &str, report: &[(String, Outcome)]) -> usize {
    let mut changed = 0;
    for (path, outcome) in report {
        let verb = match outcome {
            Outcome::Unchanged => "unchanged",
            Outcome::Written => "wrote",
            Outcome::Removed => "removed",
        };
        if *outcome != Outcome::Unchanged {
            changed += 1;
        }
        println!("{verb:>9} {shown}/{path}");
    }
    changed
}

fn whole_schema(
    roots_from: RootsFrom,
    limit: Option<usize>,
    only: &[String],
    official: Option<PathBuf>,
    out: &Path,
    config_path: &Path,
) -> Result<(), Error> {
    let official = official
        .or_else(|| std::env::var_os(OFFICIAL_VARIABLE).filter(|v| !v.is_empty()).map(PathBuf::from))
        .ok_or_else(|| Error::Config {
            path: PathBuf::from(OFFICIAL_VARIABLE),
            message: "not set: name the folder of Microsoft's published CSDL (or pass --official)".into(),
        })?;
    let official = if official.is_absolute() { official } else { workspace_root().join(official) };
    let config = match roots_from {
        RootsFrom::Config => Some(Config::load(config_path)?),
        RootsFrom::Official => None,
    };
    let unknown: Vec<_> = only
        .iter()
        .filter(|name| !scratch::OFFICIAL_VERSIONS.iter().any(|v| v.name == name.as_str()))
        .collect();
    if let Some(name) = unknown.first() {
        return Err(Error::Config {
            path: PathBuf::from("--version"),
            message: format!("unknown version `{name}` (known: v1.0, beta)"),
        });
    }
    let mut files = Vec::new();
    let mut modules = Vec::new();
    for official_version in scratch::OFFICIAL_VERSIONS {
        if !only.is_empty() && !only.iter().any(|name| name == official_version.name) {
            continue;
        }
        let path = official.join(official_version.file);
        let started = Instant::now();
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
        let document = parse::parse_document(official_version.file, &text)?;
        let parsed = started.elapsed();
        let mut version = scratch::whole_schema_version(&document, &official_version);
        if let Some(config) = &config {
            let configured = config.versions.iter().find(|v| v.module == official_version.module).ok_or_else(|| {
                Error::Config {
                    path: config_path.to_owned(),
                    message: format!("no version with module `{}`", official_version.module),
                }
            })?;
            version = scratch::with_configured_roots(version, configured);
        }
        if let Some(limit) = limit {
            scratch::truncate(&mut version, limit);
        }
        let measured_alone = scratch::reset_peak_rss();
        let generated = scratch::generate(&document, &version)?;
        let lines: usize = generated.files.iter().map(|f| f.contents.lines().count()).sum();
        let peak = match generated.peak_rss_kib {
            Some(kib) if measured_alone => format!("peak RSS {:.0} MiB", kib as f64 / 1024.0),
            Some(kib) => format!("peak RSS of the process {:.0} MiB", kib as f64 / 1024.0),
            None => "peak RSS unknown".to_owned(),
        };
        println!(
            "{}: {} roots, {} paths: {} files, {lines} lines; parsed in {:.2} s, generated in {:.2} s, {peak}",
            official_version.file,
            version.roots.len(),
            version.paths.len(),
            generated.files.len(),
            parsed.as_secs_f64(),
            generated.elapsed.as_secs_f64(),
        );
        files.extend(generated.files.into_iter().map(|f| File { path: format!("src/{}", f.path), ..f }));
        modules.push(official_version.module);
    }
    files.extend(scratch::crate_files(&workspace_root().join("generated"), &modules));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let report = write::sync(out, &files, false)?;
    // The workspace's lock file pins the scratch crate's dependencies to the same versions
    // (and lets it build offline); cargo trims it on first use.
    let lock = out.join("Cargo.lock");
    if !lock.exists() {
        let source = workspace_root().join("Cargo.lock");
        std::fs::copy(&source, &lock).map_err(|source| Error::Io { path: lock.clone(), source })?;
    }
    let changed = print_report(&shown(out), &report);
    println!("{changed} of {} scratch files changed; lint with:", report.len());
    println!("  cargo clippy --manifest-path {}/Cargo.toml --all-features -- -D warnings", shown(out));
    Ok(())
}
