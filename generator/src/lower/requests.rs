//! The request side: request builders that mirror the configured paths, the requests each
//! place allows, bound operations and their overloads, update bodies, `$select` names and
//! action parameters.
//!
//! - **Builders.** Each URL template is a builder of its own, so two paths that reach one
//!   entity type never share methods and each builder documents its own template. A builder
//!   is named after its last segment (`VppTokensRequestBuilder`; `VppTokenItemRequestBuilder`
//!   for a key, `AsIosVppAppRequestBuilder` for a cast). When several templates give one name,
//!   each of them is named after as many of its last segments as it takes to tell them apart
//!   (`DeviceManagementManagedDevicesRequestBuilder`, `UserItemManagedDevicesRequestBuilder`).
//! - **Overloads.** Bound operations of one name and binding are overloads. One alone is a
//!   method named after the operation. Among overloads, the one without parameters keeps the
//!   plain name and each other is named after its parameters:
//!   `export_device_and_app_management_data_with_skip_top(skip, top)`. Functions whose
//!   parameter names are the same (or actions of one name and binding) cannot be told apart
//!   by their URL and are refused.
//! - **Request types.** Each operation's request is a named alias of the runtime's
//!   `Invoke<…>`, named like its method in upper camel case. Operations of one name whose
//!   requests differ (another return or parameter type) are named after their binding type
//!   too (`UserDelta`, `GroupCollectionDelta`).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::docs::{doc_or, prose, push_doc};
use super::models::{self, SetterKey, Types};
use super::{Context, ItemClaim, ModuleNames, ROOT_BUILDER};
use crate::csdl::OperationKind;
use crate::error::Result;
use crate::ir::{self, ItemRef, Literal, Method, ModPath};
use crate::names::{self, Case, ClaimKey, Rank, Scope};
use crate::resolve::{OperationDef, OperationId, Primitive, TypeId, TypeKind, TypeRef};
use crate::select::Segment;

/// Methods every builder may have, besides navigation and operations.
const BUILDER_RESERVED: &[&str] = &[
    "path", "list", "count", "create", "get", "update", "delete", "by_id", "new", "with_service_root", "with_base_url", "from_path", "clone",
    "clone_from", "eq", "ne", "fmt", "default",
];

/// Methods every update body has, besides its setters.
const PATCH_RESERVED: &[&str] = &["new", "odata_type", "clone", "clone_from", "eq", "ne", "fmt", "default"];

/// A place in the URL space, before names are decided.
#[derive(Debug, Default)]
pub(super) struct Node {
    template: String,
    /// One label per segment: the segment's name, `{Type}Item` for a key, `As{Type}` for a cast.
    labels: Vec<String>,
    steps: Vec<Step>,
}

/// A method of a [`Node`], before names are decided.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Segment { wire: String, target: String },
    Key { ty: TypeId, target: String },
    Cast { ty: TypeId, target: String },
    List(TypeId),
    Count(TypeId),
    Create(TypeId),
    Get(TypeId),
    Update(TypeId),
    Delete(TypeId),
    Operation(OperationId),
}

/// The places the configured paths reach, by URL template (the service root is `""`).
pub(super) type Places = BTreeMap<String, Node>;

/// The request type of bound operations: operations with equal keys share one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RequestKey {
    module: ModPath,
    /// The type's plain name, before the binding type is considered.
    plain: String,
    /// The operation's CSDL name.
    operation: String,
    /// The qualified binding type, where requests of one name differ (see the module docs).
    binding: Option<String>,
    /// The request's shape: kind, result, and each parameter's name, type and nullability.
    signature: String,
}

impl RequestKey {
    /// The stable text of the key (see [`crate::names::ClaimKey`]).
    fn identity(&self) -> String {
        let module = self.module.join("::");
        match &self.binding {
            None => format!("{module}|{}|{}|{}", self.plain, self.operation, self.signature),
            Some(b) => format!("{module}|{}|{}|{b}|{}", self.plain, self.operation, self.signature),
        }
    }
}

/// A module-level item of the request side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum RequestItem {
    /// The builder of a URL template.
    Builder(String),
    /// The update body of an entity type.
    Patch(TypeId),
    /// The `$select` names of an entity type.
    Select(TypeId),
    /// A request type of bound operations.
    Request(RequestKey),
    /// The parameters of an action's request type.
    Parameters(RequestKey),
}

/// The decided names of the request side's module-level items.
#[derive(Default)]
struct Named {
    builders: BTreeMap<String, ItemRef>,
    patches: BTreeMap<TypeId, ItemRef>,
    selects: BTreeMap<TypeId, ItemRef>,
    requests: BTreeMap<RequestKey, ItemRef>,
    parameters: BTreeMap<RequestKey, ItemRef>,
}

impl Named {
    fn new(decided: BTreeMap<RequestItem, ItemRef>) -> Self {
        let mut named = Named::default();
        for (key, item) in decided {
            match key {
                RequestItem::Builder(t) => named.builders.insert(t, item),
                RequestItem::Patch(e) => named.patches.insert(e, item),
                RequestItem::Select(e) => named.selects.insert(e, item),
                RequestItem::Request(k) => named.requests.insert(k, item),
                RequestItem::Parameters(k) => named.parameters.insert(k, item),
            };
        }
        named
    }

    /// The name of the builder of `template`.
    fn builder(&self, template: &str) -> String {
        if template.is_empty() {
            ROOT_BUILDER.to_owned()
        } else {
            self.builders[template].name.clone()
        }
    }
}

/// What is known of a selected bound operation.
struct Operation {
    /// The method's name before clashes with navigation are considered.
    method: String,
    /// Its request type.
    request: RequestKey,
    /// The request type's plain name.
    request_plain: String,
    /// Whether the operation's name is the conventional spelling (for the clash rule).
    conventional: bool,
    returns: ir::Returns,
}

pub(super) fn lower(
    cx: &Context,
    types: &Types,
    nodes: &Places,
    names: &mut ModuleNames,
    module: &mut ir::Module,
) -> Result<()> {
    let operations = operations(cx, types, nodes)?;
    // Phase 3 of module-level names: builders, update bodies, `$select` names, request types
    // and their parameters.
    let builder_names = builder_names(nodes);
    let mut claims = Vec::new();
    for node in nodes.values().filter(|n| !n.template.is_empty()) {
        let (plain, rank) = match cx.renames.of_builder(&node.template) {
            Some(name) => (name.to_owned(), Rank::Configured),
            None => (builder_names[&node.template].clone(), Rank::Derived),
        };
        claims.push(ItemClaim {
            key: RequestItem::Builder(node.template.clone()),
            identity: format!("builder:{}", node.template),
            module: Vec::new(),
            plain,
            rank,
            wire: None,
            conventional: true,
        });
    }
    let mut patched = BTreeSet::new();
    let mut selected = BTreeSet::new();
    for step in nodes.values().flat_map(|n| &n.steps) {
        match *step {
            Step::Update(e) => {
                patched.insert(e);
            }
            Step::List(e) | Step::Get(e) => {
                selected.insert(e);
            }
            _ => {}
        }
    }
    for &e in &patched {
        let q = &cx.model.ty(e).qualified;
        let plain = format!("{}Patch", types.names[&e].name);
        claims.push(derived(RequestItem::Patch(e), cx.modules.of(q), format!("patch:{q}"), plain));
    }
    for &e in &selected {
        let q = &cx.model.ty(e).qualified;
        let plain = format!("{}Property", types.names[&e].name);
        claims.push(derived(RequestItem::Select(e), cx.modules.of(q), format!("select:{q}"), plain));
    }
    let mut aliases: BTreeMap<&RequestKey, (&Operation, &OperationDef)> = BTreeMap::new();
    for (id, op) in &operations {
        let def = &cx.model.operations[id.0];
        let entry = aliases.entry(&op.request).or_insert((op, def));
        if sort_key(def) < sort_key(entry.1) {
            *entry = (op, def);
        }
    }
    for (key, (op, def)) in &aliases {
        let identity = key.identity();
        claims.push(ItemClaim {
            key: RequestItem::Request((*key).clone()),
            identity: format!("op:{identity}"),
            module: key.module.clone(),
            plain: op.request_plain.clone(),
            rank: Rank::Derived,
            wire: None,
            conventional: op.conventional,
        });
        if def.kind == OperationKind::Action && !def.parameters.is_empty() {
            claims.push(derived(
                RequestItem::Parameters((*key).clone()),
                key.module.clone(),
                format!("params:{identity}"),
                format!("{}Parameters", op.request_plain),
            ));
        }
    }
    let named = Named::new(names.phase(claims).map_err(|e| cx.clash(e.message))?);

    for &e in &patched {
        module.patches.push(patch(cx, types, e, named.patches[&e].clone())?);
    }
    for &e in &selected {
        module.selects.push(select(cx, types, e, named.selects[&e].clone())?);
    }
    for (key, (op, def)) in &aliases {
        module.operations.push(alias(def, op, named.requests[*key].clone()));
        if let Some(p) = named.parameters.get(*key) {
            module.parameters.push(parameters(cx, types, def, p.clone())?);
        }
    }
    for node in nodes.values() {
        module.builders.push(builder(cx, types, node, &operations, &named)?);
    }
    module.builders.sort_by(|a, b| a.name.cmp(&b.name));
    module.patches.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    module.selects.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    module.parameters.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    module.operations.sort_by(|a, b| (&a.module, &a.name).cmp(&(&b.module, &b.name)));
    Ok(())
}

fn derived(key: RequestItem, module: ModPath, identity: String, plain: String) -> ItemClaim<RequestItem> {
    ItemClaim {
        key,
        identity,
        module,
        plain,
        rank: Rank::Derived,
        wire: None,
        conventional: true,
    }
}

/// An order for operations that does not depend on the declaration order.
fn sort_key(def: &OperationDef) -> (String, Option<TypeRef>, Vec<String>) {
    (def.qualified.clone(), def.binding, def.parameters.iter().map(|p| p.name.clone()).collect())
}

/// Walks the configured paths into the places they reach, by URL template.
pub(super) fn walk(cx: &Context) -> Places {
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    nodes.insert(String::new(), Node::default());
    for path in &cx.selection.paths {
        let mut template = String::new();
        let mut labels = Vec::new();
        for segment in &path.segments {
            template = step(cx, &mut nodes, &template, &mut labels, segment);
        }
        let last = path.last();
        let entity = last.entity();
        if last.is_collection() {
            let binding = TypeRef { id: entity, collection: true };
            add(&mut nodes, &template, [Step::List(entity), Step::Count(entity), Step::Create(entity)]);
            add(&mut nodes, &template, bound(cx, binding).into_iter().map(Step::Operation));
            template = step(cx, &mut nodes, &template, &mut labels, &Segment::Key { ty: entity });
        }
        let binding = TypeRef { id: entity, collection: false };
        add(&mut nodes, &template, [Step::Get(entity), Step::Update(entity), Step::Delete(entity)]);
        add(&mut nodes, &template, bound(cx, binding).into_iter().map(Step::Operation));
    }
    nodes
}

/// The entity types created with `POST` somewhere in `places`.
pub(super) fn created(places: &Places) -> impl Iterator<Item = TypeId> + '_ {
    places.values().flat_map(|n| &n.steps).filter_map(|s| match s {
        Step::Create(e) => Some(*e),
        _ => None,
    })
}

/// The selected operations bound to `binding`.
fn bound(cx: &Context, binding: TypeRef) -> Vec<OperationId> {
    cx.model
        .bound
        .get(&binding)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|id| cx.selected_operations.contains(id))
        .collect()
}

fn add(nodes: &mut BTreeMap<String, Node>, template: &str, steps: impl IntoIterator<Item = Step>) {
    let node = nodes.get_mut(template).expect("the node of a template is created before its steps");
    for s in steps {
        if !node.steps.contains(&s) {
            node.steps.push(s);
        }
    }
}

/// Adds the navigation step `segment` from the place `template` and returns the template it leads to.
fn step(
    cx: &Context,
    nodes: &mut BTreeMap<String, Node>,
    template: &str,
    labels: &mut Vec<String>,
    segment: &Segment,
) -> String {
    let (next, label, s) = match segment {
        Segment::Root { name, .. } | Segment::Navigation { name, .. } => {
            let next = format!("{template}/{name}");
            let s = Step::Segment {
                wire: name.clone(),
                target: next.clone(),
            };
            (next, names::pascal(name), s)
        }
        Segment::Key { ty } => {
            let entity = &cx.model.ty(*ty).name;
            let next = format!("{template}/{{{entity}-id}}");
            (next.clone(), format!("{}Item", names::pascal(entity)), Step::Key { ty: *ty, target: next })
        }
        Segment::Cast { ty } => {
            let t = cx.model.ty(*ty);
            let next = format!("{template}/{}", t.qualified);
            let s = Step::Cast { ty: *ty, target: next.clone() };
            (next, format!("As{}", names::pascal(&t.name)), s)
        }
    };
    add(nodes, template, [s]);
    labels.push(label);
    nodes.entry(next.clone()).or_insert_with(|| Node {
        template: next.clone(),
        labels: labels.clone(),
        steps: Vec::new(),
    });
    next
}

/// The plain name of each builder (see the module docs), by template.
fn builder_names(nodes: &BTreeMap<String, Node>) -> BTreeMap<String, String> {
    let mut groups: BTreeMap<String, Vec<&Node>> = BTreeMap::new();
    for node in nodes.values().filter(|n| !n.labels.is_empty()) {
        groups.entry(node.labels[node.labels.len() - 1].clone()).or_default().push(node);
    }
    let mut out = BTreeMap::new();
    for (last, members) in groups {
        if members.len() == 1 {
            out.insert(members[0].template.clone(), format!("{last}RequestBuilder"));
            continue;
        }
        let tail = |n: &Node, k: usize| n.labels[n.labels.len().saturating_sub(k)..].concat();
        for node in &members {
            let k = (1..=node.labels.len())
                .find(|&k| members.iter().filter(|m| tail(m, k) == tail(node, k)).count() == 1)
                .unwrap_or(node.labels.len());
            out.insert(node.template.clone(), format!("{}RequestBuilder", tail(node, k)));
        }
    }
    out
}

/// Method names and request types of every selected operation reached by a builder.
fn operations(cx: &Context, types: &Types, nodes: &BTreeMap<String, Node>) -> Result<BTreeMap<OperationId, Operation>> {
    let mut reached: BTreeSet<OperationId> = BTreeSet::new();
    for step in nodes.values().flat_map(|n| &n.steps) {
        if let Step::Operation(id) = step {
            reached.insert(*id);
        }
    }
    // Overloads: one name, one binding.
    let mut groups: BTreeMap<(String, TypeRef), Vec<OperationId>> = BTreeMap::new();
    for &id in &reached {
        let def = &cx.model.operations[id.0];
        let binding = def.binding.expect("only bound operations are selected");
        groups.entry((def.name.clone(), binding)).or_default().push(id);
    }
    let mut methods: BTreeMap<OperationId, String> = BTreeMap::new();
    for ids in groups.values() {
        let mut shapes: BTreeMap<(OperationKind, BTreeSet<&str>), OperationId> = BTreeMap::new();
        for &id in ids {
            let def = &cx.model.operations[id.0];
            let shape = match def.kind {
                OperationKind::Function => def.parameters.iter().map(|p| p.name.as_str()).collect(),
                OperationKind::Action => BTreeSet::new(),
            };
            if let Some(other) = shapes.insert((def.kind, shape), id) {
                let other = &cx.model.operations[other.0];
                return Err(cx.error_at(
                    def.pos,
                    format!("{:?} {}", def.kind, def.qualified),
                    format!(
                        "overloads with the same binding and the same URL (another is at line {}) cannot be told apart",
                        other.pos
                    ),
                ));
            }
            let plain = names::snake(&def.name);
            let method = if ids.len() == 1 || def.parameters.is_empty() {
                plain
            } else {
                let params: Vec<String> = def.parameters.iter().map(|p| names::snake(&p.name)).collect();
                format!("{plain}_with_{}", params.join("_"))
            };
            methods.insert(id, method);
        }
    }
    // Request types: one per distinct request of one name (see the module docs).
    let mut out = BTreeMap::new();
    // Distinct requests per (module, request type name, operation name).
    let mut signatures: BTreeMap<(Vec<String>, String, String), BTreeSet<String>> = BTreeMap::new();
    let mut lowered = BTreeMap::new();
    for (&id, method) in &methods {
        let def = &cx.model.operations[id.0];
        let context = format!("{}:{}: operation {}", cx.model.file, def.pos, def.qualified);
        let returns = returns(cx, types, def, &context)?;
        let mut signature = format!("{:?}|{returns:?}", def.kind);
        for p in &def.parameters {
            let ty = types.rust_type(cx, p.ty, &context)?;
            signature.push_str(&format!("|{}:{ty:?}:{}", p.name, p.nullable));
        }
        let plain = names::pascal(method);
        signatures
            .entry((cx.modules.of(&def.qualified), plain.clone(), def.name.clone()))
            .or_default()
            .insert(signature.clone());
        lowered.insert(id, (plain, signature, returns));
    }
    for (id, (plain, signature, returns)) in lowered {
        let def = &cx.model.operations[id.0];
        let module = cx.modules.of(&def.qualified);
        let shared = signatures[&(module.clone(), plain.clone(), def.name.clone())].len() == 1;
        let (binding, request_plain) = if shared {
            (None, plain.clone())
        } else {
            let binding = def.binding.expect("bound");
            let t = cx.model.ty(binding.id);
            let qualifier = format!("{}{}", names::pascal(&t.name), if binding.collection { "Collection" } else { "" });
            (Some(t.qualified.clone()), format!("{qualifier}{plain}"))
        };
        out.insert(
            id,
            Operation {
                method: methods[&id].clone(),
                request: RequestKey {
                    module,
                    plain,
                    operation: def.name.clone(),
                    binding,
                    signature,
                },
                request_plain,
                conventional: names::is_conventional(&def.name),
                returns,
            },
        );
    }
    Ok(out)
}

fn returns(cx: &Context, types: &Types, def: &OperationDef, context: &str) -> Result<ir::Returns> {
    Ok(match &def.return_type {
        None => ir::Returns::Nothing,
        Some(r) => {
            let single = types.rust_type(cx, TypeRef { id: r.ty.id, collection: false }, context)?;
            let structured = cx.model.structured(r.ty.id).is_some();
            match (r.ty.collection, structured) {
                (true, _) => ir::Returns::Collection(single),
                (false, true) => ir::Returns::Single(single),
                (false, false) => ir::Returns::Value(single),
            }
        }
    })
}

fn verb(kind: OperationKind) -> &'static str {
    match kind {
        OperationKind::Action => "action",
        OperationKind::Function => "function",
    }
}

fn alias(def: &OperationDef, op: &Operation, item: ItemRef) -> ir::OperationAlias {
    let verb = verb(def.kind);
    let mut doc = doc_or(def.description.as_deref(), || format!("The {verb} `{}`.", def.qualified));
    push_doc(&mut doc, &format!("The request of the bound {verb} `{}`.", def.qualified));
    ir::OperationAlias {
        module: item.module,
        name: item.name,
        doc,
        returns: op.returns.clone(),
    }
}

fn parameters(cx: &Context, types: &Types, def: &OperationDef, item: ItemRef) -> Result<ir::Parameters> {
    let context = format!("{}:{}: operation {}", cx.model.file, def.pos, def.qualified);
    let mut scope: Scope = Scope::new(Case::Snake, &[]);
    for p in &def.parameters {
        scope.claim_wire(p.name.clone(), &p.name);
    }
    let decided = scope.resolve().map_err(|e| cx.error_at(def.pos, format!("Action {}", def.qualified), e.message))?;
    let mut fields = Vec::new();
    for p in &def.parameters {
        fields.push(ir::Field {
            name: decided[&p.name].clone(),
            wire: p.name.clone(),
            doc: doc_or(p.description.as_deref(), || format!("The `{}` parameter.", p.name)),
            ty: types.rust_type(cx, p.ty, &context)?,
            nullable: p.nullable,
            secret: false,
            csdl_type: cx.model.ty(p.ty.id).qualified.clone(),
            setter: None,
        });
    }
    Ok(ir::Parameters {
        module: item.module,
        name: item.name,
        doc: prose(&format!("The parameters of the action `{}`.", def.qualified)),
        fields,
    })
}

fn patch(cx: &Context, types: &Types, entity: TypeId, item: ItemRef) -> Result<ir::Patch> {
    let t = cx.model.ty(entity);
    let key = cx.model.key(entity);
    let mut fields: Vec<ir::Field> = models::fields(cx, types, entity)?
        .into_iter()
        .filter(|f| !key.contains(&f.wire))
        .collect();
    let mut scope: Scope<SetterKey> = Scope::new(Case::Snake, PATCH_RESERVED);
    for f in &fields {
        scope.claim(SetterKey::Set(f.wire.clone()), f.name.clone(), Rank::Csdl);
        if f.nullable {
            let null = format!("{}_null", f.name.trim_end_matches('_'));
            scope.claim(SetterKey::Null(f.wire.clone()), null, Rank::Derived);
        }
    }
    let mut methods = scope
        .resolve()
        .map_err(|e| cx.error_at(t.pos, format!("type {}", t.qualified), e.message))?;
    for f in &mut fields {
        f.setter = methods.remove(&SetterKey::Set(f.wire.clone())).map(|set| ir::Setter {
            set,
            null: methods.remove(&SetterKey::Null(f.wire.clone())),
        });
    }
    let mut doc = prose(&format!("Changes to a `{}`, sent as the body of an update (`PATCH`).", t.qualified));
    push_doc(
        &mut doc,
        "Only what is set is sent. A nullable property is a [`Patch`](rt::Patch) and can be set to an \
         explicit `null`; a property that is not nullable is an `Option` and cannot. The key cannot be \
         changed and is not here.",
    );
    push_doc(
        &mut doc,
        "It reads from JSON as it is written: an absent property stays unset, `null` clears a nullable \
         property (and is refused, naming the property, for one that is not nullable), a value sets it, \
         and properties the metadata does not describe (the key among them) go to `additional`.",
    );
    Ok(ir::Patch {
        module: item.module,
        name: item.name,
        target: types.names[&entity].clone(),
        qualified: t.qualified.clone(),
        doc,
        fields,
    })
}

fn select(cx: &Context, types: &Types, entity: TypeId, item: ItemRef) -> Result<ir::Select> {
    let t = cx.model.ty(entity);
    let fields = models::fields(cx, types, entity)?;
    let mut scope: Scope = Scope::new(Case::Pascal, &[]);
    for f in &fields {
        scope.claim_wire(f.wire.clone(), &f.wire);
    }
    let names = scope
        .resolve()
        .map_err(|e| cx.error_at(t.pos, format!("type {}", t.qualified), e.message))?;
    let variants = fields
        .iter()
        .map(|f| ir::Variant {
            name: names[&f.wire].clone(),
            wire: f.wire.clone(),
            doc: prose(&format!("`{}`", f.wire)),
        })
        .collect();
    Ok(ir::Select {
        module: item.module,
        name: item.name,
        target: types.names[&entity].clone(),
        doc: prose(&format!("The properties of `{}` that `$select` can name.", t.qualified)),
        variants,
    })
}

/// A method of a builder whose name is decided in the builder's scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum MethodKey {
    /// Navigation to a property, by its wire name.
    Navigation(String),
    /// A cast, by the qualified type.
    Cast(String),
    /// A bound operation: qualified name and parameter names.
    Operation(String, Vec<String>),
}

impl ClaimKey for MethodKey {
    fn identity(&self) -> Cow<'_, str> {
        Cow::Owned(match self {
            MethodKey::Navigation(wire) => format!("nav:{wire}"),
            MethodKey::Cast(qualified) => format!("cast:{qualified}"),
            MethodKey::Operation(qualified, params) => format!("op:{qualified}({})", params.join(",")),
        })
    }
}

/// The key of a step in its builder's method scope, or `None` for a method of fixed name.
fn method_key(cx: &Context, step: &Step) -> Option<MethodKey> {
    match step {
        Step::Segment { wire, .. } => Some(MethodKey::Navigation(wire.clone())),
        Step::Cast { ty, .. } => Some(MethodKey::Cast(cx.model.ty(*ty).qualified.clone())),
        Step::Operation(id) => {
            let def = &cx.model.operations[id.0];
            Some(MethodKey::Operation(def.qualified.clone(), def.parameters.iter().map(|p| p.name.clone()).collect()))
        }
        _ => None,
    }
}

fn builder(
    cx: &Context,
    types: &Types,
    node: &Node,
    operations: &BTreeMap<OperationId, Operation>,
    named: &Named,
) -> Result<ir::Builder> {
    let builder_name = |template: &str| named.builder(template);
    let template = &node.template;
    // Method names, decided in the builder's scope.
    let mut scope: Scope<MethodKey> = Scope::new(Case::Snake, BUILDER_RESERVED);
    for s in &node.steps {
        let Some(key) = method_key(cx, s) else { continue };
        match s {
            Step::Segment { wire, .. } => scope.claim_wire(key, wire),
            Step::Cast { ty, .. } => {
                let t = cx.model.ty(*ty);
                scope.claim_spelled(key, format!("as_{}", names::snake(&t.name)), Rank::Csdl, names::is_conventional(&t.name));
            }
            Step::Operation(id) => {
                let def = &cx.model.operations[id.0];
                let MethodKey::Operation(_, params) = &key else { unreachable!("the key of an operation") };
                match cx.renames.of_operation(&def.qualified, params) {
                    Some(name) => scope.claim(key, name, Rank::Configured),
                    None => scope.claim_spelled(key, operations[id].method.clone(), Rank::Csdl, names::is_conventional(&def.name)),
                }
            }
            _ => {}
        }
    }
    let method_names = scope
        .resolve()
        .map_err(|e| cx.clash(format!("request builder of `{template}`: {}", e.message)))?;
    let mut methods = Vec::new();
    for s in &node.steps {
        let name = method_key(cx, s).map(|k| method_names[&k].clone()).unwrap_or_default();
        let m = match s {
            Step::Segment { wire, target } => Method::Segment {
                name,
                doc: prose(&format!("Navigates to `{target}`.")),
                segment: wire.clone(),
                target: builder_name(target),
            },
            Step::Key { ty, target } => Method::Key {
                name: "by_id".into(),
                doc: prose(&format!(
                    "Navigates to one `{}` by its key, `{target}`. The key is percent-encoded as one path segment.",
                    cx.model.ty(*ty).name
                )),
                target: builder_name(target),
            },
            Step::Cast { ty, target } => {
                let t = cx.model.ty(*ty);
                Method::Segment {
                    name,
                    doc: prose(&format!("Casts to the derived type `{}`: `{target}`.", t.qualified)),
                    segment: t.qualified.clone(),
                    target: builder_name(target),
                }
            }
            Step::List(e) => Method::List {
                doc: prose(&format!("Lists the `{}` objects: `GET {template}`.", cx.model.ty(*e).name)),
                item: types.entity(cx, *e)?,
                select: named.selects[e].clone(),
            },
            Step::Count(e) => Method::Count {
                doc: prose(&format!("Counts the `{}` objects: `GET {template}/$count`.", cx.model.ty(*e).name)),
                template: format!("{template}/$count"),
            },
            Step::Create(e) => Method::Create {
                doc: {
                    let mut d = prose(&format!("Creates a `{}`: `POST {template}`.", cx.model.ty(*e).name));
                    push_doc(
                        &mut d,
                        "Build the body with the entity type's `new()` and its chained setters, one per \
                         property; only what is set is sent.",
                    );
                    d
                },
                entity: types.entity(cx, *e)?,
            },
            Step::Get(e) => Method::Get {
                doc: prose(&format!("Reads the `{}`: `GET {template}`.", cx.model.ty(*e).name)),
                entity: types.entity(cx, *e)?,
                select: named.selects[e].clone(),
            },
            Step::Update(e) => Method::Update {
                doc: prose(&format!(
                    "Updates the `{}` with the properties set in `patch`: `PATCH {template}`.",
                    cx.model.ty(*e).name
                )),
                entity: types.entity(cx, *e)?,
                patch: named.patches[e].clone(),
            },
            Step::Delete(e) => Method::Delete {
                doc: prose(&format!("Deletes the `{}`: `DELETE {template}`.", cx.model.ty(*e).name)),
            },
            Step::Operation(id) => operation_method(cx, types, *id, &operations[id], name, template, named)?,
        };
        methods.push(m);
    }
    methods.sort_by_key(method_sort_key);
    let doc = if template.is_empty() {
        let mut d = prose(&format!("The service root of Microsoft Graph {}.", cx.version.name));
        push_doc(
            &mut d,
            &format!(
                "Requests start here; the default root is `{}`, and \
                 [`{ROOT_BUILDER}::with_service_root`] sets another (a national cloud, a test server).",
                cx.version.service_root
            ),
        );
        d
    } else {
        prose(&format!("Requests on `{template}`."))
    };
    Ok(ir::Builder {
        name: builder_name(template),
        doc,
        template: template.clone(),
        methods,
    })
}

fn operation_method(
    cx: &Context,
    types: &Types,
    id: OperationId,
    op: &Operation,
    name: String,
    template: &str,
    named: &Named,
) -> Result<Method> {
    let def = &cx.model.operations[id.0];
    let context = format!("{}:{}: operation {}", cx.model.file, def.pos, def.qualified);
    let operation = named.requests[&op.request].clone();
    let mut doc = doc_or(def.description.as_deref(), || format!("Calls `{}`.", def.qualified));
    Ok(match def.kind {
        OperationKind::Action => {
            let template = format!("{template}/{}", def.name);
            push_doc(&mut doc, &format!("`POST {template}`"));
            Method::Action {
                name,
                doc,
                segment: def.name.clone(),
                template,
                operation,
                parameters: named.parameters.get(&op.request).cloned(),
            }
        }
        OperationKind::Function => {
            let shown: Vec<String> = def.parameters.iter().map(|p| format!("{0}={{{0}}}", p.name)).collect();
            let template = format!("{template}/{}({})", def.name, shown.join(","));
            push_doc(&mut doc, &format!("`GET {template}`"));
            let mut scope: Scope = Scope::new(Case::Snake, &[]);
            for p in &def.parameters {
                scope.claim_wire(p.name.clone(), &p.name);
            }
            let arg_names = scope
                .resolve()
                .map_err(|e| cx.error_at(def.pos, format!("Function {}", def.qualified), e.message))?;
            let mut arguments = Vec::new();
            for p in &def.parameters {
                arguments.push(ir::Argument {
                    name: arg_names[&p.name].clone(),
                    wire: p.name.clone(),
                    ty: types.rust_type(cx, p.ty, &context)?,
                    literal: literal(cx, p.ty),
                });
            }
            Method::Function {
                name,
                doc,
                segment: def.name.clone(),
                template,
                operation,
                arguments,
            }
        }
    })
}

/// How a function parameter of this type is written in the URL.
fn literal(cx: &Context, r: TypeRef) -> Literal {
    if r.collection {
        return Literal::Json;
    }
    let t = cx.model.ty(r.id);
    match &t.kind {
        TypeKind::Primitive(p) | TypeKind::Definition(p) => match p {
            Primitive::String => Literal::String,
            Primitive::Duration => Literal::Duration,
            Primitive::Binary => Literal::Binary,
            Primitive::Untyped | Primitive::Stream => Literal::Json,
            _ => Literal::Bare,
        },
        TypeKind::Enum(_) => Literal::Enum(t.qualified.clone()),
        TypeKind::Structured(_) | TypeKind::AnyStructured => Literal::Json,
    }
}

fn method_sort_key(m: &Method) -> (u8, String) {
    match m {
        Method::Segment { name, .. } | Method::Key { name, .. } => (0, name.clone()),
        Method::List { .. } => (1, "list".into()),
        Method::Count { .. } => (1, "count".into()),
        Method::Create { .. } => (1, "create".into()),
        Method::Get { .. } => (1, "get".into()),
        Method::Update { .. } => (1, "update".into()),
        Method::Delete { .. } => (1, "delete".into()),
        Method::Action { name, .. } | Method::Function { name, .. } => (2, name.clone()),
    }
}
