//! Putting generated files on disk, or checking that they are there already.
//!
//! Files are written atomically (a temporary file in the same folder, then a rename), only
//! inside the output folder, and only when their contents change. In check mode nothing is
//! written and every stale or missing file is named.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::emit::File;
use crate::error::{Error, Result};

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Written,
    Removed,
}

/// Writes `files` under `out_dir` (or, with `check`, compares them). Generated `.rs` files in
/// the folders written to that are no longer generated are removed (or reported as stale).
pub fn sync(out_dir: &Path, files: &[File], check: bool) -> Result<Vec<(String, Outcome)>> {
    let mut report = Vec::new();
    let mut stale = Vec::new();
    let mut dirs = BTreeSet::new();
    for file in files {
        let target = checked_join(out_dir, &file.path)?;
        if let Some(parent) = Path::new(&file.path).parent() {
            dirs.insert(parent.to_owned());
        }
        let current = std::fs::read_to_string(&target).ok();
        if current.as_deref() == Some(file.contents.as_str()) {
            report.push((file.path.clone(), Outcome::Unchanged));
        } else if check {
            stale.push(file.path.clone());
        } else {
            write_atomically(&target, &file.contents)?;
            report.push((file.path.clone(), Outcome::Written));
        }
    }
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for dir in dirs {
        let full = out_dir.join(&dir);
        let Ok(entries) = std::fs::read_dir(&full) else { continue };
        let mut leftovers: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        leftovers.sort();
        for path in leftovers {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let relative = dir.join(name).to_string_lossy().replace('\\', "/");
            if !name.ends_with(".rs") || wanted.contains(relative.as_str()) || !is_generated(&path) {
                continue;
            }
            if check {
                stale.push(relative);
            } else {
                std::fs::remove_file(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
                report.push((relative, Outcome::Removed));
            }
        }
    }
    if !stale.is_empty() {
        return Err(Error::Stale { files: stale });
    }
    Ok(report)
}

fn is_generated(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.starts_with("// @generated"))
}

/// Joins a generated relative path to the output folder, refusing anything that would
/// leave it.
fn checked_join(out_dir: &Path, relative: &str) -> Result<PathBuf> {
    let rel = Path::new(relative);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Error::Model {
            context: format!("output file `{relative}`"),
            message: "must be a relative path inside the output folder".into(),
        });
    }
    Ok(out_dir.join(rel))
}

fn write_atomically(target: &Path, contents: &str) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temp = target.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temp, contents).map_err(io(&temp))?;
    std::fs::rename(&temp, target).map_err(|source| {
        let _ = std::fs::remove_file(&temp);
        Error::Io { path: target.to_owned(), source }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> File {
        File { path: path.into(), contents: contents.into() }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("vpptoken-codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_then_checks_then_reports_stale_and_removes_leftovers() {
        let dir = temp_dir("sync");
        let files = vec![file("m/a.rs", "// @generated a\n")];
        assert_eq!(sync(&dir, &files, false).unwrap(), vec![("m/a.rs".to_owned(), Outcome::Written)]);
        assert_eq!(sync(&dir, &files, true).unwrap(), vec![("m/a.rs".to_owned(), Outcome::Unchanged)]);
        std::fs::write(dir.join("m/old.rs"), "// @generated old\n").unwrap();
        std::fs::write(dir.join("m/hand.rs"), "// written by hand\n").unwrap();
        let changed = vec![file("m/a.rs", "// @generated b\n")];
        match sync(&dir, &changed, true) {
            Err(Error::Stale { files }) => assert_eq!(files, vec!["m/a.rs".to_owned(), "m/old.rs".to_owned()]),
            other => panic!("expected stale files, got {other:?}"),
        }
        assert_eq!(std::fs::read_to_string(dir.join("m/a.rs")).unwrap(), "// @generated a\n");
        let report = sync(&dir, &changed, false).unwrap();
        assert_eq!(
            report,
            vec![("m/a.rs".to_owned(), Outcome::Written), ("m/old.rs".to_owned(), Outcome::Removed)]
        );
        assert!(dir.join("m/hand.rs").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn refuses_paths_outside_the_output_folder() {
        let dir = temp_dir("escape");
        let err = sync(&dir, &[file("../x.rs", "")], false).unwrap_err().to_string();
        assert!(err.contains("inside the output folder"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
