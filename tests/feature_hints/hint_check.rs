// Shared by the `tests/ui.rs` of both crates beside this file (included, not a module file).

/// Checks a case's expected compiler output: every error is the hint of `feature` (its message,
/// and the note saying how to enable it), none is a bare "no method named … found".
pub fn assert_names_feature(stderr: &str, feature: &str) {
    let errors = stderr.matches("\nerror").count() + usize::from(stderr.starts_with("error"));
    let hint = format!("needs the cargo feature `{feature}` of graph-vpptoken");
    let hints = stderr
        .lines()
        .filter(|line| line.starts_with("error[E0277]: ") && line.ends_with(&hint))
        .count();
    let note = format!(r#"features = ["{feature}"] }}"#);
    assert!(errors > 0, "no error in:\n{stderr}");
    assert_eq!(
        hints, errors,
        "an error without the hint of `{feature}`:\n{stderr}"
    );
    assert_eq!(
        stderr.matches(&note).count(),
        errors,
        "a hint without how to enable `{feature}`:\n{stderr}"
    );
    assert!(!stderr.contains("no method named"), "{stderr}");
}
