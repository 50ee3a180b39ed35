//! Naming: every Rust identifier the generator writes is decided here.
//!
//! A CSDL name becomes an identifier in three steps:
//!
//! 1. **Spelling** ([`ident`]): characters outside ASCII are escaped as `u{hex}` words (so no
//!    `uncommon_codepoints` or confusable-script lint can fire), the name is case-converted with
//!    `heck` (snake case for fields, methods, parameters and modules; upper camel case for types
//!    and variants), a leading digit gets a prefix, and keywords get a trailing `_`.
//! 2. **Scopes** ([`Scope`]): each place where Rust requires distinct names (the items of a
//!    module, the fields of a struct, the methods of a builder, the variants of an enum, the
//!    parameters of a method, the child modules of a module) is a scope. A scope starts with
//!    the names the generated code itself uses there (`additional`, `odata_type`, `new`, `path`,
//!    the enum catch-all, …), which always keep their meaning.
//! 3. **The clash rule** ([`Scope::resolve`]): the claimants of one spelling are compared by
//!    rank (CSDL names before names the generator derives, such as `…Patch`) and by whether
//!    their wire name is the conventional camelCase spelling of the identifier
//!    ([`is_conventional`]). The single best claimant keeps the plain identifier; every other
//!    claimant, and every claimant of a reserved name, gets a suffix of four hex digits of a
//!    hash of its own key (its exact wire name, or what a derived name stands for). The
//!    decision depends on the set of names alone, never on their order; a name that clashes
//!    with nothing keeps its plain identifier; and a name added to the metadata later renames
//!    an existing item only if it is a more conventional spelling of the same identifier.
//!
//! The configuration can rename any item (`[[version.rename]]`); a renamed item keeps its
//! configured name in every clash, and two renames that clash are refused.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved and weak ones that matter, 2024 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The case of an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `snake_case`: fields, methods, functions, parameters, modules.
    Snake,
    /// `UpperCamelCase`: types and variants.
    Pascal,
}

/// The plain identifier for a CSDL name, before any clash is considered.
pub fn ident(wire: &str, case: Case) -> String {
    let ascii = escape_non_ascii(wire);
    let mut name = match case {
        Case::Snake => ascii.to_snake_case(),
        Case::Pascal => ascii.to_upper_camel_case(),
    };
    if name.is_empty() {
        name = match case {
            Case::Snake => "unnamed".into(),
            Case::Pascal => "Unnamed".into(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        match case {
            Case::Snake => name.insert(0, '_'),
            Case::Pascal => name.insert(0, 'V'),
        }
    }
    if KEYWORDS.contains(&name.as_str()) || name == "Self" {
        name.push('_');
    }
    name
}

/// The snake-case identifier for a CSDL name (field, method, parameter, module).
pub fn snake(wire: &str) -> String {
    ident(wire, Case::Snake)
}

/// The upper-camel-case identifier for a CSDL name (type, variant).
pub fn pascal(wire: &str) -> String {
    ident(wire, Case::Pascal)
}

/// Whether `wire` is the conventional (lower camel case) spelling of its identifier:
/// `remoteControlSoftware` is, `remote_Control_Software` and `ID` are not.
pub fn is_conventional(wire: &str) -> bool {
    wire.is_ascii() && wire.to_snake_case().to_lower_camel_case() == wire
}

/// Replaces every character outside ASCII by a word `u{hex}` (`café` → `caf_u00e9_`), so
/// that the case conversion sees word boundaries around it.
fn escape_non_ascii(wire: &str) -> String {
    if wire.is_ascii() {
        return wire.to_owned();
    }
    let mut out = String::with_capacity(wire.len() + 8);
    for c in wire.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("_u{:04x}_", u32::from(c)));
        }
    }
    out
}

/// `len` lowercase hex digits of a hash of `key` (FNV-1a, 64 bits, with the SplitMix64
/// finalizer so that keys differing in one character differ in every digit): the suffix that
/// tells a clashing name apart. Stable across runs, platforms and versions of this crate.
pub fn suffix(key: &str, len: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^= hash >> 31;
    let hex = format!("{hash:016x}");
    hex[..len.min(hex.len())].to_owned()
}

/// How strongly a claimant holds on to its plain identifier; lower is stronger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// Renamed by the configuration: always keeps its name.
    Configured,
    /// A name from the metadata.
    Csdl,
    /// A name the generator derives (`…Patch`, `Any…`, `…RequestBuilder`, `…_null`).
    Derived,
}

/// One claimant of a name in a [`Scope`].
#[derive(Debug, Clone)]
struct Claim {
    plain: String,
    rank: Rank,
    conventional: bool,
}

/// The key of a claimant in a [`Scope`]: what the name stands for.
///
/// Its [`identity`](ClaimKey::identity) is the text a losing claimant's suffix is a hash of
/// and that errors show, so it must be stable across runs and distinct for distinct keys of
/// one scope (a kind word and the wire name, `set:appleId`, does both).
pub trait ClaimKey: Ord + Clone {
    /// The stable text of this key.
    fn identity(&self) -> Cow<'_, str>;
}

impl ClaimKey for String {
    fn identity(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

/// Distinct names in one Rust scope, decided all at once by the clash rule (module docs).
#[derive(Debug, Clone)]
pub struct Scope<K: ClaimKey = String> {
    case: Case,
    reserved: BTreeSet<String>,
    /// Claims by key (unique in the scope).
    claims: BTreeMap<K, Claim>,
}

/// Two configured names clash, or a configured name is reserved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Clash {
    pub message: String,
}

impl<K: ClaimKey> Scope<K> {
    /// A scope of identifiers of `case` in which the generated code itself uses `reserved`.
    pub fn new(case: Case, reserved: &[&str]) -> Self {
        Scope { case, reserved: reserved.iter().map(|r| (*r).to_owned()).collect(), claims: BTreeMap::new() }
    }

    /// Reserves one more name the generated code uses in this scope.
    pub fn reserve(&mut self, name: impl Into<String>) {
        self.reserved.insert(name.into());
    }

    /// Claims the identifier of a CSDL name: `key` identifies the claimant (and feeds its
    /// suffix), `wire` is the CSDL name.
    pub fn claim_wire(&mut self, key: impl Into<K>, wire: &str) {
        self.claims.insert(
            key.into(),
            Claim { plain: ident(wire, self.case), rank: Rank::Csdl, conventional: is_conventional(wire) },
        );
    }

    /// Claims an identifier already spelled (a derived or configured name).
    pub fn claim(&mut self, key: impl Into<K>, plain: impl Into<String>, rank: Rank) {
        self.claims.insert(key.into(), Claim { plain: plain.into(), rank, conventional: true });
    }

    /// Claims an identifier already spelled, saying whether it stands for a conventional
    /// spelling (see [`is_conventional`]).
    pub fn claim_spelled(&mut self, key: impl Into<K>, plain: impl Into<String>, rank: Rank, conventional: bool) {
        self.claims.insert(key.into(), Claim { plain: plain.into(), rank, conventional });
    }

    /// Decides every claimant's identifier, by key.
    pub fn resolve(&self) -> Result<BTreeMap<K, String>, Clash> {
        let mut groups: BTreeMap<&str, Vec<(&K, &Claim)>> = BTreeMap::new();
        for (key, claim) in &self.claims {
            groups.entry(claim.plain.as_str()).or_default().push((key, claim));
        }
        let mut decided: BTreeMap<K, String> = BTreeMap::new();
        let mut taken: BTreeSet<String> = self.reserved.clone();
        let mut losers: Vec<(&K, &str)> = Vec::new();
        for (plain, members) in &groups {
            let configured: Vec<_> = members.iter().filter(|(_, c)| c.rank == Rank::Configured).collect();
            if configured.len() > 1 || (configured.len() == 1 && self.reserved.contains(*plain)) {
                let keys: Vec<Cow<'_, str>> = configured.iter().map(|(k, _)| k.identity()).collect();
                return Err(Clash {
                    message: format!(
                        "the configured name `{plain}` is given to {} and clashes{}",
                        keys.join(" and "),
                        if self.reserved.contains(*plain) { " with a name the generated code uses" } else { "" }
                    ),
                });
            }
            let best = members.iter().map(|(_, c)| (c.rank, !c.conventional)).min();
            let winners: Vec<_> = members.iter().filter(|(_, c)| Some((c.rank, !c.conventional)) == best).collect();
            let winner = (winners.len() == 1 && !self.reserved.contains(*plain)).then(|| winners[0].0);
            for (key, _) in members {
                if Some(*key) == winner {
                    decided.insert((*key).clone(), (*plain).to_owned());
                    taken.insert((*plain).to_owned());
                } else {
                    losers.push((key, plain));
                }
            }
        }
        // Every plain name is taken (even one whose group had no winner), so that a suffixed
        // name never lands on a name another claimant spells plainly.
        taken.extend(groups.keys().map(|p| (*p).to_owned()));
        let mut length = 4;
        while !losers.is_empty() {
            let candidates: Vec<(&K, String)> = losers
                .iter()
                .map(|(key, plain)| (*key, with_suffix(plain, &suffix(&key.identity(), length), self.case)))
                .collect();
            let mut count: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, c) in &candidates {
                *count.entry(c.as_str()).or_default() += 1;
            }
            let mut next = Vec::new();
            for ((key, candidate), loser) in candidates.iter().zip(&losers) {
                if count[candidate.as_str()] == 1 && !taken.contains(candidate) {
                    decided.insert((*key).clone(), candidate.clone());
                } else {
                    next.push(*loser);
                }
            }
            for (key, _) in &candidates {
                if let Some(name) = decided.get(*key) {
                    taken.insert(name.clone());
                }
            }
            if next.len() == losers.len() && length >= 16 {
                let keys: Vec<Cow<'_, str>> = next.iter().map(|(k, _)| k.identity()).collect();
                return Err(Clash { message: format!("no distinct name for {}", keys.join(", ")) });
            }
            losers = next;
            length *= 2;
        }
        Ok(decided)
    }
}

/// `plain` with a clash suffix, in the scope's case: `summary_1f2e`, `RemoteControlSoftware1f2e`.
fn with_suffix(plain: &str, suffix: &str, case: Case) -> String {
    match case {
        Case::Snake => format!("{}_{suffix}", plain.trim_end_matches('_')),
        Case::Pascal => format!("{}{suffix}", plain.trim_end_matches('_')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_cased_with_keywords_and_digits_escaped() {
        assert_eq!(snake("claimTokenManagementFromExternalMdm"), "claim_token_management_from_external_mdm");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("3d"), "_3d");
        assert_eq!(snake("_"), "unnamed");
        assert_eq!(pascal("vppToken"), "VppToken");
        assert_eq!(pascal("assignedToExternalMDM"), "AssignedToExternalMdm");
        assert_eq!(pascal("Self"), "Self_");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(pascal("3d"), "V3d");
        assert_eq!(pascal("__Visitor"), "Visitor");
    }

    #[test]
    fn non_ascii_letters_become_ascii_words() {
        assert_eq!(snake("café"), "caf_u00e9");
        assert_eq!(pascal("café"), "CafU00e9");
        assert_eq!(snake("名前"), "u540d_u524d");
        assert!(pascal("Ωmega").is_ascii());
    }

    #[test]
    fn conventional_spellings() {
        assert!(is_conventional("remoteControlSoftware"));
        assert!(is_conventional("id"));
        assert!(!is_conventional("remote_Control_Software"));
        assert!(!is_conventional("ID"));
        assert!(!is_conventional("_summary"));
        assert!(!is_conventional("query_string"));
    }

    fn resolve(case: Case, reserved: &[&str], wires: &[&str]) -> BTreeMap<String, String> {
        let mut scope: Scope = Scope::new(case, reserved);
        for w in wires {
            scope.claim_wire(*w, w);
        }
        scope.resolve().unwrap()
    }

    #[test]
    fn the_conventional_spelling_keeps_the_plain_name() {
        let names = resolve(Case::Pascal, &[], &["remoteControlSoftware", "remote_Control_Software"]);
        assert_eq!(names["remoteControlSoftware"], "RemoteControlSoftware");
        assert_eq!(names["remote_Control_Software"], format!("RemoteControlSoftware{}", suffix("remote_Control_Software", 4)));
        let names = resolve(Case::Snake, &[], &["summary", "_summary", "queryString", "query_string"]);
        assert_eq!(names["summary"], "summary");
        assert_eq!(names["queryString"], "query_string");
        assert!(names["_summary"].starts_with("summary_"));
        assert!(names["query_string"].starts_with("query_string_"));
    }

    #[test]
    fn without_a_conventional_spelling_every_claimant_is_suffixed() {
        let names = resolve(Case::Snake, &[], &["Id", "ID"]);
        assert_ne!(names["Id"], names["ID"]);
        assert!(names["Id"].starts_with("id_") && names["ID"].starts_with("id_"));
    }

    #[test]
    fn reserved_names_are_never_given_out() {
        let names = resolve(Case::Snake, &["additional", "odata_type"], &["additional", "odata_type", "name"]);
        assert!(names["additional"].starts_with("additional_"));
        assert!(names["odata_type"].starts_with("odata_type_"));
        assert_eq!(names["name"], "name");
    }

    #[test]
    fn the_decision_does_not_depend_on_order() {
        let wires = ["fooBar", "foo_bar", "FooBar", "FOO_BAR", "other", "Other"];
        let forward = resolve(Case::Snake, &["other"], &wires);
        let mut reversed = wires;
        reversed.reverse();
        assert_eq!(forward, resolve(Case::Snake, &["other"], &reversed));
        let distinct: BTreeSet<_> = forward.values().collect();
        assert_eq!(distinct.len(), wires.len());
    }

    #[test]
    fn a_name_that_clashes_with_nothing_is_left_alone() {
        let names = resolve(Case::Snake, &[], &["ID"]);
        assert_eq!(names["ID"], "id");
    }

    #[test]
    fn csdl_names_outrank_derived_ones_and_configured_names_outrank_both() {
        let mut scope: Scope = Scope::new(Case::Pascal, &[]);
        scope.claim_wire("ns.vppTokenPatch", "vppTokenPatch");
        scope.claim("patch:ns.vppToken", "VppTokenPatch", Rank::Derived);
        let names = scope.resolve().unwrap();
        assert_eq!(names["ns.vppTokenPatch"], "VppTokenPatch");
        assert_ne!(names["patch:ns.vppToken"], "VppTokenPatch");
        scope.claim("ns.x", "VppTokenPatch", Rank::Configured);
        let names = scope.resolve().unwrap();
        assert_eq!(names["ns.x"], "VppTokenPatch");
        assert_ne!(names["ns.vppTokenPatch"], "VppTokenPatch");
    }

    #[test]
    fn clashing_configured_names_are_refused() {
        let mut scope: Scope = Scope::new(Case::Pascal, &["Reserved"]);
        scope.claim("a", "Same", Rank::Configured);
        scope.claim("b", "Same", Rank::Configured);
        assert!(scope.resolve().unwrap_err().message.contains("`Same`"));
        let mut scope: Scope = Scope::new(Case::Pascal, &["Reserved"]);
        scope.claim("a", "Reserved", Rank::Configured);
        assert!(scope.resolve().is_err());
    }

    #[test]
    fn suffixes_are_stable() {
        // Suffixes are part of generated names: changing the hash renames items.
        assert_eq!(suffix("a", 16), "02c0bdbf481420f8");
        assert_eq!(suffix("remote_Control_Software", 4), "0769");
        assert_eq!(suffix("a", 4), suffix("a", 16)[..4]);
        assert_eq!(suffix("Id", 4).len(), 4);
        assert_ne!(suffix("Id", 4), suffix("ID", 4));
    }
}
