//! `cargo xtask codegen [--check]`: regenerate `generated/` from `metadata/`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use vpptoken_codegen::config::Config;
use vpptoken_codegen::write::{self, Outcome};
use vpptoken_codegen::{Error, codegen};

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
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let Cli { task: Task::Codegen { check, config } } = Cli::parse();
    match run(check, &config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(check: bool, config_path: &std::path::Path) -> Result<(), Error> {
    let started = Instant::now();
    let config = Config::load(config_path)?;
    let config_dir = config_path.parent().unwrap_or(std::path::Path::new("."));
    let out_dir = config_dir.join(&config.output);
    let files = codegen::generate(&config, config_dir)?;
    let report = write::sync(&out_dir, &files, check)?;
    let canonical = out_dir.canonicalize().unwrap_or_else(|_| out_dir.clone());
    let root = workspace_root().canonicalize().unwrap_or_else(|_| workspace_root());
    let shown = canonical.strip_prefix(&root).unwrap_or(&canonical).display().to_string();
    let mut changed = 0;
    for (path, outcome) in &report {
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
    let elapsed = started.elapsed();
    if check {
        println!("{} generated files are up to date ({:.0?})", report.len(), elapsed);
    } else {
        println!("{changed} of {} generated files changed ({:.0?})", report.len(), elapsed);
    }
    Ok(())
}
