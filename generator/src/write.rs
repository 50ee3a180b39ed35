//! Putting generated files on disk, or checking that they are there already.
//!
//! Writing is all or nothing. Every changed file is first staged (written to a temporary
//! file beside its target); then the targets are replaced one by one, each by a rename, after
//! the previous contents have been kept as a backup beside it. If staging or any replacement
//! fails, the files already replaced are put back from their backups (new files are removed)
//! and the staged files are removed, so the output folder is as it was. Only when every file
//! is in place are the backups removed, and then the generated `.rs` files that are no longer
//! generated. Nothing is written outside the output folder, and a file is written only when
//! its contents change.
//!
//! In check mode nothing is written and every stale or missing file is named, as is any
//! staged or backup file an interrupted write left behind (a torn state). A later write
//! removes such leftovers once it has put every file in place.

use std::collections::BTreeSet;
use std::io;
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

/// The end of the name of a staged file: `.models.rs.1234.codegen-staged`.
const STAGED: &str = ".codegen-staged";
/// The end of the name of a backup: `.models.rs.1234.codegen-backup`.
const BACKUP: &str = ".codegen-backup";

/// Writes `files` under `out_dir` (or, with `check`, compares them). Generated `.rs` files in
/// the folders written to that are no longer generated are removed (or reported as stale).
pub fn sync(out_dir: &Path, files: &[File], check: bool) -> Result<Vec<(String, Outcome)>> {
    sync_with(&RealFs, out_dir, files, check)
}

/// The file-system operations [`sync`] needs; tests put one that fails on purpose in place
/// of the real one.
trait FileSystem {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    fn create_dir(&self, path: &Path) -> io::Result<()>;
    fn remove_dir(&self, path: &Path) -> io::Result<()>;
    fn exists(&self, path: &Path) -> bool;
    /// The entries of a folder, sorted.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>>;
}

struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        std::fs::write(path, contents)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }
    fn create_dir(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir(path)
    }
    fn remove_dir(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir(path)
    }
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
    fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
        let mut entries = std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<io::Result<Vec<_>>>()?;
        entries.sort();
        Ok(entries)
    }
}

/// One file whose contents change.
struct Change<'a> {
    relative: &'a str,
    target: PathBuf,
    contents: &'a [u8],
    /// The current contents; `None` when the file does not exist yet.
    previous: Option<Vec<u8>>,
    staged: PathBuf,
    backup: PathBuf,
}

/// `.{name}.{pid}{suffix}` beside `target`.
fn beside(target: &Path, suffix: &str) -> PathBuf {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    target.with_file_name(format!(".{name}.{}{suffix}", std::process::id()))
}

/// Whether a file name is that of a staged file or a backup (of any process).
fn is_leftover(name: &str) -> bool {
    name.starts_with('.') && (name.ends_with(STAGED) || name.ends_with(BACKUP))
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

fn sync_with(fs: &dyn FileSystem, out_dir: &Path, files: &[File], check: bool) -> Result<Vec<(String, Outcome)>> {
    let mut report = Vec::new();
    let mut stale = Vec::new();
    let mut changes = Vec::new();
    let mut dirs = BTreeSet::new();
    for file in files {
        let target = checked_join(out_dir, &file.path)?;
        if let Some(parent) = Path::new(&file.path).parent() {
            dirs.insert(parent.to_owned());
        }
        let previous = fs.read(&target).ok();
        if previous.as_deref() == Some(file.contents.as_bytes()) {
            report.push((file.path.clone(), Outcome::Unchanged));
        } else if check {
            stale.push(file.path.clone());
        } else {
            changes.push(Change {
                relative: &file.path,
                staged: beside(&target, STAGED),
                backup: beside(&target, BACKUP),
                contents: file.contents.as_bytes(),
                previous,
                target,
            });
        }
    }

    // Generated files no longer generated, and what an interrupted write left behind.
    let wanted: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut obsolete = Vec::new();
    let mut torn = Vec::new();
    for dir in &dirs {
        let Ok(entries) = fs.read_dir(&out_dir.join(dir)) else { continue };
        for path in entries {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let relative = dir.join(name).to_string_lossy().replace('\\', "/");
            if is_leftover(name) {
                torn.push((relative, path));
            } else if name.ends_with(".rs") && !wanted.contains(relative.as_str()) && is_generated(fs, &path) {
                obsolete.push((relative, path));
            }
        }
    }

    if check {
        if !torn.is_empty() {
            return Err(Error::Torn { files: torn.into_iter().map(|(relative, _)| relative).collect() });
        }
        stale.extend(obsolete.into_iter().map(|(relative, _)| relative));
        if !stale.is_empty() {
            return Err(Error::Stale { files: stale });
        }
        return Ok(report);
    }

    replace_all(fs, &changes)?;
    report.extend(changes.iter().map(|c| (c.relative.to_owned(), Outcome::Written)));
    for (relative, path) in obsolete.into_iter().chain(torn) {
        match fs.remove_file(&path) {
            Ok(()) => report.push((relative, Outcome::Removed)),
            // A leftover of an earlier process with this one's id, replaced and gone already.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Io { path, source }),
        }
    }
    report.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(report)
}

/// Stages every change, then replaces the targets; on any failure puts everything back.
fn replace_all(fs: &dyn FileSystem, changes: &[Change<'_>]) -> Result<()> {
    let mut created_dirs = Vec::new();
    let mut result = Ok(());
    for change in changes {
        result = create_parents(fs, &change.target, &mut created_dirs)
            .and_then(|()| fs.write(&change.staged, change.contents).map_err(io_error(&change.staged)));
        if result.is_err() {
            break;
        }
    }
    let mut replaced = 0;
    if result.is_ok() {
        for change in changes {
            result = replace(fs, change);
            if result.is_err() {
                break;
            }
            replaced += 1;
        }
    }
    match result {
        Ok(()) => {
            for change in changes.iter().filter(|c| c.previous.is_some()) {
                // Every file is in place; a backup that cannot be removed is only a leftover
                // (named by `--check`, removed by the next write).
                let _ = fs.remove_file(&change.backup);
            }
            Ok(())
        }
        Err(Error::Io { path, source }) => {
            let unrestored = roll_back(fs, changes, replaced, &created_dirs);
            Err(Error::Write { path, source, unrestored })
        }
        Err(other) => Err(other),
    }
}

/// Creates the missing folders above `target`, outermost first, recording them.
fn create_parents(fs: &dyn FileSystem, target: &Path, created: &mut Vec<PathBuf>) -> Result<()> {
    let missing: Vec<&Path> = target.ancestors().skip(1).take_while(|dir| !fs.exists(dir)).collect();
    for dir in missing.into_iter().rev() {
        fs.create_dir(dir).map_err(io_error(dir))?;
        created.push(dir.to_owned());
    }
    Ok(())
}

/// Keeps the previous contents as a backup, then renames the staged file over the target.
fn replace(fs: &dyn FileSystem, change: &Change<'_>) -> Result<()> {
    if let Some(previous) = &change.previous {
        fs.write(&change.backup, previous).map_err(|source| {
            let _ = fs.remove_file(&change.backup);
            Error::Io { path: change.backup.clone(), source }
        })?;
    }
    fs.rename(&change.staged, &change.target).map_err(|source| {
        if change.previous.is_some() {
            let _ = fs.remove_file(&change.backup);
        }
        Error::Io { path: change.target.clone(), source }
    })
}

/// Puts back the first `replaced` targets (newest first), removes every staged file (a failed
/// write may have left part of one) and the folders created; returns the files that could not
/// be put back.
fn roll_back(fs: &dyn FileSystem, changes: &[Change<'_>], replaced: usize, created_dirs: &[PathBuf]) -> Vec<String> {
    let mut unrestored = Vec::new();
    for change in changes[..replaced].iter().rev() {
        let restored = match &change.previous {
            Some(previous) => fs
                .rename(&change.backup, &change.target)
                .or_else(|_| fs.write(&change.target, previous).and_then(|()| fs.remove_file(&change.backup))),
            None => fs.remove_file(&change.target),
        };
        if restored.is_err() {
            unrestored.push(change.relative.to_owned());
        }
    }
    for change in &changes[replaced..] {
        let _ = fs.remove_file(&change.staged);
    }
    for dir in created_dirs.iter().rev() {
        let _ = fs.remove_dir(dir);
    }
    unrestored
}

fn is_generated(fs: &dyn FileSystem, path: &Path) -> bool {
    fs.read(path).is_ok_and(|t| t.starts_with(b"// @generated"))
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::BTreeMap;

    use super::*;

    fn file(path: &str, contents: &str) -> File {
        File { path: path.into(), contents: contents.into() }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("graph-vpptoken-codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Every file and folder under `dir`, with the bytes of each file.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        let mut all = BTreeMap::new();
        let mut work = vec![dir.to_owned()];
        while let Some(current) = work.pop() {
            for entry in std::fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(dir).unwrap().to_owned();
                if path.is_dir() {
                    all.insert(relative, None);
                    work.push(path);
                } else {
                    all.insert(relative, Some(std::fs::read(&path).unwrap()));
                }
            }
        }
        all
    }

    /// The real file system, except that the `fail_at`-th write or rename (counted together,
    /// from 1) fails, and with `broken`, every one after it too.
    struct FailingFs {
        fail_at: usize,
        broken: bool,
        calls: Cell<usize>,
    }

    impl FailingFs {
        fn new(fail_at: usize, broken: bool) -> Self {
            Self { fail_at, broken, calls: Cell::new(0) }
        }
        fn step(&self) -> io::Result<()> {
            self.calls.set(self.calls.get() + 1);
            let n = self.calls.get();
            if n == self.fail_at || (self.broken && n > self.fail_at) {
                Err(io::Error::other(format!("injected failure {n}")))
            } else {
                Ok(())
            }
        }
    }

    impl FileSystem for FailingFs {
        fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
            RealFs.read(path)
        }
        fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
            self.step()?;
            RealFs.write(path, contents)
        }
        fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
            self.step()?;
            RealFs.rename(from, to)
        }
        fn remove_file(&self, path: &Path) -> io::Result<()> {
            RealFs.remove_file(path)
        }
        fn create_dir(&self, path: &Path) -> io::Result<()> {
            RealFs.create_dir(path)
        }
        fn remove_dir(&self, path: &Path) -> io::Result<()> {
            RealFs.remove_dir(path)
        }
        fn exists(&self, path: &Path) -> bool {
            RealFs.exists(path)
        }
        fn read_dir(&self, path: &Path) -> io::Result<Vec<PathBuf>> {
            RealFs.read_dir(path)
        }
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
        let names: Vec<_> = std::fs::read_dir(dir.join("m")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no staged file or backup is left: {names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn refuses_paths_outside_the_output_folder() {
        let dir = temp_dir("escape");
        let err = sync(&dir, &[file("../x.rs", "")], false).unwrap_err().to_string();
        assert!(err.contains("inside the output folder"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Two changed files, one unchanged, two new (one in a new folder), one obsolete.
    fn previous_generation(dir: &Path) -> Vec<File> {
        std::fs::create_dir_all(dir.join("m")).unwrap();
        std::fs::write(dir.join("m/a.rs"), "// @generated a, before\n").unwrap();
        std::fs::write(dir.join("m/b.rs"), b"// @generated b, before \xff\n").unwrap();
        std::fs::write(dir.join("m/same.rs"), "// @generated same\n").unwrap();
        std::fs::write(dir.join("m/old.rs"), "// @generated old\n").unwrap();
        vec![
            file("m/a.rs", "// @generated a, after\n"),
            file("m/b.rs", "// @generated b, after\n"),
            file("m/c.rs", "// @generated c, new\n"),
            file("m/same.rs", "// @generated same\n"),
            file("n/deep/d.rs", "// @generated d, new\n"),
        ]
    }

    #[test]
    fn a_failure_at_any_step_puts_the_previous_files_back() {
        let dir = temp_dir("rollback");
        let files = previous_generation(&dir);
        let before = snapshot(&dir);
        // Four changes: four staged writes, two backups, four renames.
        let steps = 4 + 2 + 4;
        for fail_at in 1..=steps {
            let result = sync_with(&FailingFs::new(fail_at, false), &dir, &files, false);
            match result {
                Err(Error::Write { ref unrestored, .. }) => assert!(unrestored.is_empty(), "{unrestored:?}"),
                other => panic!("failure {fail_at}: expected a write error, got {other:?}"),
            }
            assert_eq!(snapshot(&dir), before, "failure {fail_at}: the folder is not as it was");
        }
        let report = sync_with(&FailingFs::new(steps + 1, false), &dir, &files, false).unwrap();
        assert_eq!(report.iter().filter(|(_, o)| *o == Outcome::Written).count(), 4);
        assert_eq!(std::fs::read_to_string(dir.join("n/deep/d.rs")).unwrap(), "// @generated d, new\n");
        assert!(!dir.join("m/old.rs").exists(), "obsolete files go once everything is written");
        assert_eq!(sync(&dir, &files, true).unwrap().len(), files.len());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn files_that_cannot_be_put_back_are_named() {
        let dir = temp_dir("unrestored");
        let files = previous_generation(&dir);
        // The four staged writes and the backups and renames of a and b succeed; everything
        // after fails.
        let err = sync_with(&FailingFs::new(9, true), &dir, &files, false).unwrap_err();
        match &err {
            Error::Write { unrestored, .. } => assert_eq!(unrestored, &["m/b.rs", "m/a.rs"]),
            other => panic!("expected a write error, got {other:?}"),
        }
        assert!(err.to_string().contains("not put back: m/b.rs, m/a.rs"), "{err}");
        // The backups stay, and the check names them.
        let pid = std::process::id();
        match sync(&dir, &files, true) {
            Err(Error::Torn { files }) => {
                assert_eq!(files, [format!("m/.a.rs.{pid}.codegen-backup"), format!("m/.b.rs.{pid}.codegen-backup")])
            }
            other => panic!("expected a torn state, got {other:?}"),
        }
        assert_eq!(std::fs::read(dir.join(format!("m/.b.rs.{pid}.codegen-backup"))).unwrap(), b"// @generated b, before \xff\n");
        assert!(!dir.join("n").exists(), "the staged new files and their folders are gone");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn check_names_a_torn_state_and_a_write_clears_it() {
        let dir = temp_dir("torn");
        let files = vec![file("m/a.rs", "// @generated a\n")];
        sync(&dir, &files, false).unwrap();
        std::fs::write(dir.join("m/.a.rs.77.codegen-backup"), "// @generated a, before\n").unwrap();
        std::fs::write(dir.join("m/.b.rs.77.codegen-staged"), "// @generated b\n").unwrap();
        let err = sync(&dir, &files, true).unwrap_err();
        match &err {
            Error::Torn { files } => assert_eq!(files, &["m/.a.rs.77.codegen-backup", "m/.b.rs.77.codegen-staged"]),
            other => panic!("expected a torn state, got {other:?}"),
        }
        assert!(err.to_string().contains("interrupted"), "{err}");
        let report = sync(&dir, &files, false).unwrap();
        assert_eq!(report.iter().filter(|(_, o)| *o == Outcome::Removed).count(), 2, "{report:?}");
        assert_eq!(sync(&dir, &files, true).unwrap(), vec![("m/a.rs".to_owned(), Outcome::Unchanged)]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
