//! `graph-vpptoken-codegen codegen [--check] [--config PATH]`: generate Rust from CSDL as a
//! configuration file says (in this workspace, `cargo xtask codegen` regenerates `generated/`
//! from `metadata/`).
//! `graph-vpptoken-codegen whole-schema`: generate every type and path of Microsoft's published
//! CSDL into a scratch crate (`target/whole-schema/`).
//!
//! Without `--config`, the configuration is `codegen.toml` or `metadata/codegen.toml` in the
//! current directory or its nearest ancestor that has one; relative paths on the command line
//! are relative to the current directory.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use graph_vpptoken_codegen::config::{self, Config};
use graph_vpptoken_codegen::emit::File;
use graph_vpptoken_codegen::write::{self, Outcome};
use graph_vpptoken_codegen::{Error, codegen, parse, scratch};

/// The variable naming the folder of Microsoft's published CSDL.
const OFFICIAL_VARIABLE: &str = "VPPTOKEN_OFFICIAL_CSDL";

#[derive(Parser)]
#[command(
    name = "graph-vpptoken-codegen",
    version,
    about = "Generates Rust models and requests from Microsoft Graph CSDL metadata"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate the configured modules from the metadata into the configured output folder.
    Codegen {
        /// Write nothing; fail, naming them, if generated files are stale.
        #[arg(long)]
        check: bool,
        /// The configuration file. Default: `codegen.toml` or `metadata/codegen.toml` in the
        /// current directory or its nearest ancestor that has one.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
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
        /// (relative to the current directory).
        #[arg(long)]
        official: Option<PathBuf>,
        /// The scratch crate's folder.
        #[arg(long, default_value = "target/whole-schema")]
        out: PathBuf,
        /// The `graph-vpptoken` crate whose runtime the scratch crate uses; the `Cargo.lock`
        /// beside its folder, if any, pins the scratch crate's dependencies.
        #[arg(long, value_name = "PATH", default_value = "generated")]
        runtime_crate: PathBuf,
        /// The configuration file read by `--roots-from config`. Default: found as for
        /// `codegen`.
        #[arg(long, value_name = "PATH")]
        config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RootsFrom {
    Official,
    Config,
}

fn main() -> ExitCode {
    let result = match Cli::parse().task {
        Task::Codegen { check, config } => config_path(config).and_then(|config| run(check, &config)),
        Task::WholeSchema { roots_from, limit, versions, official, out, runtime_crate, config } => {
            whole_schema(roots_from, limit, &versions, official, &out, &runtime_crate, config)
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

/// The current directory, which relative paths are resolved against.
fn current_dir() -> Result<PathBuf, Error> {
    std::env::current_dir().map_err(|source| Error::Io { path: PathBuf::from("."), source })
}

/// The configuration file: the one named, or the one found from the current directory.
fn config_path(named: Option<PathBuf>) -> Result<PathBuf, Error> {
    match named {
        Some(path) => Ok(path),
        None => config::find(&current_dir()?),
    }
}

/// A path as shown to the user: relative to the current directory when inside it.
fn shown(path: &Path) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let Ok(cwd) = std::env::current_dir() else { return canonical.display().to_string() };
    let root = cwd.canonicalize().unwrap_or(cwd);
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
    runtime_crate: &Path,
    config: Option<PathBuf>,
) -> Result<(), Error> {
    let official = official
        .or_else(|| std::env::var_os(OFFICIAL_VARIABLE).filter(|v| !v.is_empty()).map(PathBuf::from))
        .ok_or_else(|| Error::Config {
            path: PathBuf::from(OFFICIAL_VARIABLE),
            message: "not set: name the folder of Microsoft's published CSDL (or pass --official)".into(),
        })?;
    let (configured_path, configured) = match roots_from {
        RootsFrom::Config => {
            let path = config_path(config)?;
            let loaded = Config::load(&path)?;
            (path, Some(loaded))
        }
        RootsFrom::Official => (PathBuf::new(), None),
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
        if let Some(configured) = &configured {
            let configured = configured.versions.iter().find(|v| v.module == official_version.module).ok_or_else(|| {
                Error::Config {
                    path: configured_path.clone(),
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
    let runtime_crate = current_dir()?.join(runtime_crate);
    files.extend(scratch::crate_files(&runtime_crate, &modules));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let report = write::sync(out, &files, false)?;
    // The workspace's lock file pins the scratch crate's dependencies to the same versions
    // (and lets it build offline); cargo trims it on first use.
    if let Some(workspace) = runtime_crate.parent() {
        scratch::copy_lock_file(&workspace.join("Cargo.lock"), out)?;
    }
    let changed = print_report(&shown(out), &report);
    println!("{changed} of {} scratch files changed; lint with:", report.len());
    println!("  cargo clippy --manifest-path {}/Cargo.toml --all-features -- -D warnings", shown(out));
    Ok(())
}
