//! Select: the closure of types and operations to generate, from the configured roots and
//! container paths. Deterministic: everything is sorted by qualified name.
//!
//! The closure holds the roots and the types their properties use, each with its base
//! types, and for every complex type used by a property also the types derived from it
//! (a polymorphic value may be any of them). Navigation properties are followed only along
//! the configured paths. The operations bound to the type (or collection) a path ends on are
//! selected with their parameter and return types.

use std::collections::BTreeSet;

use crate::csdl::StructuredKind;
use crate::error::{Error, Result};
use crate::resolve::{Model, OperationId, TypeId, TypeKind, TypeRef};

/// One segment of a container path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A singleton (`is_set == false`) or entity set of the container.
    Root { name: String, ty: TypeId, is_set: bool },
    /// A navigation property of the previous segment's type.
    Navigation { name: String, ty: TypeRef, contains_target: bool },
    /// `{key}`: one entity of the previous (collection) segment, addressed by key.
    Key { ty: TypeId },
    /// A type cast to a derived type (`microsoft.graph.iosVppApp`).
    Cast { ty: TypeId },
}

impl Segment {
    /// Whether the segment addresses a collection.
    pub fn is_collection(&self) -> bool {
        match self {
            Segment::Root { is_set, .. } => *is_set,
            Segment::Navigation { ty, .. } => ty.collection,
            Segment::Key { .. } => false,
            Segment::Cast { .. } => false,
        }
    }

    /// The entity type the segment addresses (or whose collection it addresses).
    pub fn entity(&self) -> TypeId {
        match self {
            Segment::Root { ty, .. } | Segment::Key { ty } | Segment::Cast { ty } => *ty,
            Segment::Navigation { ty, .. } => ty.id,
        }
    }
}

/// A configured container path, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// As configured.
    pub text: String,
    pub segments: Vec<Segment>,
}

impl Path {
    /// The last segment (a path always has one).
    pub fn last(&self) -> &Segment {
        &self.segments[self.segments.len() - 1]
    }
}

/// What to generate for one API version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selection {
    /// Structured and enum types, sorted by qualified name.
    pub types: Vec<TypeId>,
    /// Bound operations available at the ends of the paths, sorted by qualified name.
    pub operations: Vec<OperationId>,
    pub paths: Vec<Path>,
}

/// Computes the selection for `roots` (qualified type names) and `paths`.
pub fn select(model: &Model, roots: &[String], paths: &[String]) -> Result<Selection> {
    let mut types = BTreeSet::new();
    let mut work: Vec<TypeId> = Vec::new();
    for root in roots {
        let id = model.lookup(root).ok_or_else(|| Error::Model {
            context: format!("root `{root}`"),
            message: format!("{}: no such type", model.file),
        })?;
        work.push(id);
    }
    let mut resolved_paths = Vec::new();
    for text in paths {
        let path = resolve_path(model, text)?;
        work.push(path.last().entity());
        resolved_paths.push(path);
    }
    let mut operations = BTreeSet::new();
    for path in &resolved_paths {
        let last = path.last();
        let entity = last.entity();
        let mut bindings = vec![TypeRef { id: entity, collection: false }];
        if last.is_collection() {
            bindings.push(TypeRef { id: entity, collection: true });
        }
        for b in bindings {
            for &op in model.bound.get(&b).map(Vec::as_slice).unwrap_or_default() {
                operations.insert(op);
                let def = &model.operations[op.0];
                work.extend(def.parameters.iter().map(|p| p.ty.id));
                work.extend(def.return_type.iter().map(|r| r.ty.id));
            }
        }
    }
    while let Some(id) = work.pop() {
        match &model.ty(id).kind {
            TypeKind::Enum(_) => {
                types.insert(id);
            }
            TypeKind::Structured(s) => {
                if !types.insert(id) {
                    continue;
                }
                work.extend(s.base);
                for p in &s.properties {
                    work.push(p.ty.id);
                    if model.structured(p.ty.id).map(|s| s.kind) == Some(StructuredKind::Complex) {
                        work.extend(model.all_derived(p.ty.id));
                    }
                }
            }
            _ => {}
        }
    }
    let mut types: Vec<_> = types.into_iter().collect();
    types.sort_by(|a, b| model.ty(*a).qualified.cmp(&model.ty(*b).qualified));
    let mut operations: Vec<_> = operations.into_iter().collect();
    operations.sort_by(|a, b| {
        let (a, b) = (&model.operations[a.0], &model.operations[b.0]);
        (&a.qualified, a.binding).cmp(&(&b.qualified, b.binding))
    });
    Ok(Selection {
        types,
        operations,
        paths: resolved_paths,
    })
}

/// Resolves a configured path such as `deviceAppManagement/vppTokens` or
/// `deviceAppManagement/mobileApps/{id}/microsoft.graph.iosVppApp/vppToken`.
fn resolve_path(model: &Model, text: &str) -> Result<Path> {
    let fail = |message: String| Error::Model {
        context: format!("path `{text}`"),
        message: format!("{}: {message}", model.file),
    };
    let mut parts = text.trim_matches('/').split('/');
    let first = parts.next().unwrap_or_default();
    let root = model
        .container
        .get(first)
        .ok_or_else(|| fail(format!("the entity container has no singleton or entity set `{first}`")))?;
    let mut segments = vec![Segment::Root {
        name: root.name.clone(),
        ty: root.ty,
        is_set: root.is_set,
    }];
    for part in parts {
        let previous = &segments[segments.len() - 1];
        let current = previous.entity();
        let segment = if part.starts_with('{') && part.ends_with('}') {
            if !previous.is_collection() {
                return Err(fail(format!("`{part}` must follow a collection")));
            }
            Segment::Key { ty: current }
        } else if part.contains('.') {
            let id = model
                .lookup(part)
                .ok_or_else(|| fail(format!("no such type `{part}`")))?;
            if previous.is_collection() {
                return Err(fail(format!("cast `{part}` must follow a single entity; add `{{id}}` before it")));
            }
            if !model.chain(id).contains(&current) {
                return Err(fail(format!(
                    "`{part}` does not derive from `{}`",
                    model.ty(current).qualified
                )));
            }
            Segment::Cast { ty: id }
        } else {
            if previous.is_collection() {
                return Err(fail(format!("`{part}` must follow a single entity; add `{{id}}` before it")));
            }
            let nav = model
                .all_navigation(current)
                .into_iter()
                .find(|n| n.name == part)
                .ok_or_else(|| fail(format!("`{}` has no navigation property `{part}`", model.ty(current).qualified)))?;
            Segment::Navigation {
                name: nav.name.clone(),
                ty: nav.ty,
                contains_target: nav.contains_target,
            }
        };
        segments.push(segment);
    }
    Ok(Path {
        text: text.to_owned(),
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_document;
    use crate::resolve::resolve;

    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" /></EntityType>
<EntityType Name="root" BaseType="n.entity"><NavigationProperty Name="items" Type="Collection(n.item)" ContainsTarget="true" /></EntityType>
<EntityType Name="item" BaseType="n.entity"><Property Name="result" Type="n.result" /><NavigationProperty Name="other" Type="n.unrelated" /></EntityType>
<EntityType Name="special" BaseType="n.item" />
<EntityType Name="unrelated" BaseType="n.entity" />
<ComplexType Name="result" /><ComplexType Name="derivedResult" BaseType="n.result" />
<ComplexType Name="summary" /><ComplexType Name="unused" />
<Function Name="summarize" IsBound="true"><Parameter Name="b" Type="Collection(n.item)" /><ReturnType Type="Collection(n.summary)" /></Function>
<Action Name="elsewhere" IsBound="true"><Parameter Name="b" Type="n.unrelated" /></Action>
<EntityContainer Name="c"><Singleton Name="root" Type="n.root" /></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    fn names(model: &Model, selection: &Selection) -> Vec<String> {
        selection.types.iter().map(|t| model.ty(*t).name.clone()).collect()
    }

    #[test]
    fn closure_follows_properties_bases_derived_complex_types_and_operations() {
        let model = resolve(&parse_document("s.xml", CSDL).unwrap(), &[]).unwrap();
        let selection = select(&model, &["n.item".into()], &["root/items".into()]).unwrap();
        assert_eq!(names(&model, &selection), ["derivedResult", "entity", "item", "result", "summary"]);
        let ops: Vec<_> = selection.operations.iter().map(|o| model.operations[o.0].name.as_str()).collect();
        assert_eq!(ops, ["summarize"]);
        let path = &selection.paths[0];
        assert_eq!(path.segments.len(), 2);
        assert!(path.last().is_collection());
        assert_eq!(select(&model, &["n.item".into()], &["root/items".into()]).unwrap(), selection);
    }

    #[test]
    fn paths_with_keys_and_casts() {
        let model = resolve(&parse_document("s.xml", CSDL).unwrap(), &[]).unwrap();
        let selection = select(&model, &["n.special".into()], &["root/items/{id}/n.special/other".into()]).unwrap();
        let kinds: Vec<_> = selection.paths[0]
            .segments
            .iter()
            .map(|s| match s {
                Segment::Root { .. } => "root",
                Segment::Navigation { .. } => "navigation",
                Segment::Key { .. } => "key",
                Segment::Cast { .. } => "cast",
            })
            .collect();
        assert_eq!(kinds, ["root", "navigation", "key", "cast", "navigation"]);
        assert!(names(&model, &selection).contains(&"unrelated".to_owned()));
    }

    #[test]
    fn bad_paths_and_roots_are_errors() {
        let model = resolve(&parse_document("s.xml", CSDL).unwrap(), &[]).unwrap();
        let err = |roots: &[&str], paths: &[&str]| {
            let roots: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
            let paths: Vec<String> = paths.iter().map(|s| s.to_string()).collect();
            select(&model, &roots, &paths).unwrap_err().to_string()
        };
        assert!(err(&["n.nope"], &[]).contains("root `n.nope`"));
        assert!(err(&["n.item"], &["nowhere"]).contains("no singleton or entity set `nowhere`"));
        assert!(err(&["n.item"], &["root/items/other"]).contains("add `{id}`"));
        assert!(err(&["n.item"], &["root/items/{id}/n.unrelated"]).contains("does not derive from `n.item`"));
        assert!(err(&["n.item"], &["root/missing"]).contains("has no navigation property `missing`"));
    }
}
