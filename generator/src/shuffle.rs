//! Reordering a parsed document without changing its meaning, to test that the generator's
//! output does not depend on declaration order.
//!
//! Permuted (each part can be chosen, see [`Parts`]): the schemas; the elements of each
//! schema (types, operations, terms, containers, annotation blocks); the children of entity
//! containers (entity sets, singletons, imports and their navigation property bindings); the
//! properties and navigation properties of structured types; the overloads of an operation
//! (actions or functions of one name); the annotations of every element, of every
//! out-of-line block, of every annotation, record and property value, and the property values
//! of every record. Never permuted: parameters and key properties (their order is part of the
//! signature and of the key), enum members (their order gives the implicit values) and the
//! items of an annotation's collection (a collection is ordered). Every element keeps its
//! [`Pos`](crate::csdl::Pos).

use std::collections::BTreeMap;

use crate::csdl::{
    Annotation, AnnotationValue, Document, EntityContainer, Operation, Schema, StructuredType,
};

/// A xorshift64* generator: small, seeded, the same sequence on every platform.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator for `seed` (any value, zero included).
    pub fn new(seed: u64) -> Self {
        // The state must not be zero; mix the seed so that near seeds diverge at once.
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03 | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Permutes `items` uniformly (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Which orders [`shuffle`] permutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// The order of the schemas of the document.
    pub schemas: bool,
    /// The order of the elements of each kind inside each schema (overloads of one operation
    /// keep their relative order unless [`Parts::overloads`]).
    pub elements: bool,
    /// The order of the children of entity containers and of their bindings.
    pub containers: bool,
    /// The order of the properties and of the navigation properties of each type.
    pub members: bool,
    /// The relative order of the actions (functions) of one name.
    pub overloads: bool,
    /// The order of the annotations of each element, block, annotation, record and property
    /// value, and of the property values of each record (never the items of a collection).
    pub annotations: bool,
}

impl Parts {
    /// Everything that may be permuted.
    pub const ALL: Parts = Parts {
        schemas: true,
        elements: true,
        containers: true,
        members: true,
        overloads: true,
        annotations: true,
    };
    /// Nothing.
    pub const NONE: Parts = Parts {
        schemas: false,
        elements: false,
        containers: false,
        members: false,
        overloads: false,
        annotations: false,
    };
}

/// A copy of `document` with the chosen orders permuted by a generator seeded with `seed`.
pub fn shuffle(document: &Document, seed: u64, parts: Parts) -> Document {
    let mut rng = XorShift::new(seed);
    let mut document = document.clone();
    if parts.schemas {
        rng.shuffle(&mut document.schemas);
    }
    for schema in &mut document.schemas {
        shuffle_schema(schema, &mut rng, parts);
    }
    document
}

fn shuffle_schema(schema: &mut Schema, rng: &mut XorShift, parts: Parts) {
    if parts.elements {
        rng.shuffle(&mut schema.entity_types);
        rng.shuffle(&mut schema.complex_types);
        rng.shuffle(&mut schema.enum_types);
        rng.shuffle(&mut schema.type_definitions);
        rng.shuffle(&mut schema.terms);
        rng.shuffle(&mut schema.entity_containers);
        rng.shuffle(&mut schema.annotations);
    }
    shuffle_operations(&mut schema.actions, rng, parts);
    shuffle_operations(&mut schema.functions, rng, parts);
    if parts.members {
        for ty in schema
            .entity_types
            .iter_mut()
            .chain(&mut schema.complex_types)
        {
            shuffle_members(ty, rng);
        }
    }
    if parts.containers {
        for container in &mut schema.entity_containers {
            shuffle_container(container, rng);
        }
    }
    if parts.annotations {
        shuffle_schema_annotations(schema, rng);
    }
}

/// Permutes the annotations of every element of `schema` that has some.
fn shuffle_schema_annotations(schema: &mut Schema, rng: &mut XorShift) {
    for ty in schema
        .entity_types
        .iter_mut()
        .chain(&mut schema.complex_types)
    {
        shuffle_annotations(&mut ty.annotations, rng);
        for property in &mut ty.properties {
            shuffle_annotations(&mut property.annotations, rng);
        }
        for property in &mut ty.navigation_properties {
            shuffle_annotations(&mut property.annotations, rng);
        }
    }
    for ty in &mut schema.enum_types {
        shuffle_annotations(&mut ty.annotations, rng);
        for member in &mut ty.members {
            shuffle_annotations(&mut member.annotations, rng);
        }
    }
    for definition in &mut schema.type_definitions {
        shuffle_annotations(&mut definition.annotations, rng);
    }
    for operation in schema.actions.iter_mut().chain(&mut schema.functions) {
        shuffle_annotations(&mut operation.annotations, rng);
        for parameter in &mut operation.parameters {
            shuffle_annotations(&mut parameter.annotations, rng);
        }
        if let Some(return_type) = &mut operation.return_type {
            shuffle_annotations(&mut return_type.annotations, rng);
        }
    }
    for container in &mut schema.entity_containers {
        for set in &mut container.entity_sets {
            shuffle_annotations(&mut set.annotations, rng);
        }
        for singleton in &mut container.singletons {
            shuffle_annotations(&mut singleton.annotations, rng);
        }
    }
    for block in &mut schema.annotations {
        shuffle_annotations(&mut block.annotations, rng);
    }
}

/// Permutes `annotations` and, inside each, what has no order.
fn shuffle_annotations(annotations: &mut [Annotation], rng: &mut XorShift) {
    rng.shuffle(annotations);
    for annotation in annotations {
        shuffle_annotations(&mut annotation.annotations, rng);
        shuffle_value(&mut annotation.value, rng);
    }
}

/// Permutes the property values and annotations of the records in `value`, at any depth;
/// the items of a collection keep their order.
fn shuffle_value(value: &mut AnnotationValue, rng: &mut XorShift) {
    match value {
        AnnotationValue::Record(record) => {
            rng.shuffle(&mut record.properties);
            shuffle_annotations(&mut record.annotations, rng);
            for property in &mut record.properties {
                shuffle_annotations(&mut property.annotations, rng);
                shuffle_value(&mut property.value, rng);
            }
        }
        AnnotationValue::Collection(items) => {
            for item in items {
                shuffle_value(item, rng);
            }
        }
        AnnotationValue::UrlRef(inner) => shuffle_value(inner, rng),
        AnnotationValue::Expression(expression) => {
            shuffle_annotations(&mut expression.annotations, rng);
            for operand in &mut expression.operands {
                shuffle_value(operand, rng);
            }
        }
        _ => {}
    }
}

fn shuffle_members(ty: &mut StructuredType, rng: &mut XorShift) {
    rng.shuffle(&mut ty.properties);
    rng.shuffle(&mut ty.navigation_properties);
}

fn shuffle_container(container: &mut EntityContainer, rng: &mut XorShift) {
    rng.shuffle(&mut container.entity_sets);
    rng.shuffle(&mut container.singletons);
    rng.shuffle(&mut container.action_imports);
    rng.shuffle(&mut container.function_imports);
    for set in &mut container.entity_sets {
        rng.shuffle(&mut set.navigation_bindings);
    }
    for singleton in &mut container.singletons {
        rng.shuffle(&mut singleton.navigation_bindings);
    }
}

/// Permutes the places of the operations (with `elements`) and, separately, the order of the
/// overloads of one name among the places that name occupies (with `overloads`).
fn shuffle_operations(operations: &mut Vec<Operation>, rng: &mut XorShift, parts: Parts) {
    let mut places: Vec<usize> = (0..operations.len()).collect();
    if parts.elements {
        rng.shuffle(&mut places);
    }
    let mut overloads: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, operation) in operations.iter().enumerate() {
        overloads.entry(&operation.name).or_default().push(index);
    }
    for group in overloads.values_mut() {
        if parts.overloads {
            rng.shuffle(group);
        }
        // Taken from the back below.
        group.reverse();
    }
    let order: Vec<usize> = places
        .iter()
        .map(|&place| {
            let name = operations[place].name.as_str();
            overloads.get_mut(name).and_then(Vec::pop).unwrap_or(place)
        })
        .collect();
    let mut taken: Vec<Option<Operation>> =
        std::mem::take(operations).into_iter().map(Some).collect();
    *operations = order
        .into_iter()
        .filter_map(|index| taken[index].take())
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csdl::{Member, Parameter, Property};

    fn named<T: Default>(name: &str, set: impl Fn(&mut T, String)) -> T {
        let mut value = T::default();
        set(&mut value, name.to_owned());
        value
    }

    fn operation(name: &str, first_parameter: &str) -> Operation {
        Operation {
            name: name.into(),
            parameters: ["b", first_parameter, "z"]
                .iter()
                .map(|p| Parameter {
                    name: (*p).into(),
                    ..Parameter::default()
                })
                .collect(),
            ..Operation::default()
        }
    }

    fn document() -> Document {
        let ty = |name: &str| StructuredType {
            name: name.into(),
            key: vec!["k1".into(), "k2".into(), "k3".into()],
            properties: (0..8)
                .map(|i| named(&format!("p{i}"), |p: &mut Property, n| p.name = n))
                .collect(),
            ..StructuredType::default()
        };
        let schema = |namespace: &str| Schema {
            namespace: namespace.into(),
            entity_types: (0..8).map(|i| ty(&format!("t{i}"))).collect(),
            enum_types: vec![crate::csdl::EnumType {
                name: "e".into(),
                members: (0..8)
                    .map(|i| named(&format!("m{i}"), |m: &mut Member, n| m.name = n))
                    .collect(),
                ..Default::default()
            }],
            actions: (0..8)
                .map(|i| operation(&format!("a{}", i % 3), &format!("x{i}")))
                .collect(),
            ..Schema::default()
        };
        Document {
            schemas: (0..6).map(|i| schema(&format!("n{i}"))).collect(),
            ..Document::default()
        }
    }

    fn names<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<String> {
        items.iter().map(|i| name(i).to_owned()).collect()
    }

    #[test]
    fn the_generator_is_seeded_and_covers_its_range() {
        let mut a = XorShift::new(7);
        let mut b = XorShift::new(7);
        let drawn: Vec<usize> = (0..1000).map(|_| a.below(10)).collect();
        assert_eq!(drawn, (0..1000).map(|_| b.below(10)).collect::<Vec<_>>());
        assert!((0..10).all(|n| drawn.contains(&n)));
        assert_ne!(XorShift::new(0).next_u64(), XorShift::new(1).next_u64());
    }

    #[test]
    fn nothing_moves_without_parts_and_the_same_seed_gives_the_same_document() {
        let original = document();
        assert_eq!(shuffle(&original, 3, Parts::NONE), original);
        assert_eq!(
            shuffle(&original, 3, Parts::ALL),
            shuffle(&original, 3, Parts::ALL)
        );
        assert_ne!(
            shuffle(&original, 3, Parts::ALL),
            shuffle(&original, 4, Parts::ALL)
        );
    }

    #[test]
    fn permutes_what_it_may_and_keeps_parameters_keys_and_enum_members() {
        let original = document();
        let shuffled = shuffle(&original, 11, Parts::ALL);
        assert_ne!(
            names(&shuffled.schemas, |s| &s.namespace),
            names(&original.schemas, |s| &s.namespace)
        );
        let schema = &shuffled.schemas[0];
        let before = original
            .schemas
            .iter()
            .find(|s| s.namespace == schema.namespace)
            .unwrap();
        assert_ne!(
            names(&schema.entity_types, |t| &t.name),
            names(&before.entity_types, |t| &t.name)
        );
        assert!(
            schema
                .entity_types
                .iter()
                .any(|t| names(&t.properties, |p| &p.name)
                    != names(&before.entity_types[0].properties, |p| &p.name))
        );
        for ty in &schema.entity_types {
            assert_eq!(ty.key, ["k1", "k2", "k3"]);
        }
        assert_eq!(schema.enum_types[0], before.enum_types[0]);
        for action in &schema.actions {
            let parameters = names(&action.parameters, |p| &p.name);
            assert_eq!((parameters[0].as_str(), parameters[2].as_str()), ("b", "z"));
        }
        let mut sorted = schema.actions.clone();
        sorted.sort_by(|a, b| a.parameters[1].name.cmp(&b.parameters[1].name));
        assert_eq!(sorted, before.actions, "the same operations, reordered");
    }

    #[test]
    fn overloads_keep_their_order_unless_asked() {
        let original = document();
        let overloads = |document: &Document| -> Vec<String> {
            let actions = &document.schemas[0].actions;
            actions
                .iter()
                .filter(|a| a.name == "a0")
                .map(|a| a.parameters[1].name.clone())
                .collect()
        };
        let elements = Parts {
            elements: true,
            ..Parts::NONE
        };
        let moved = (0..20)
            .map(|seed| shuffle(&original, seed, elements))
            .collect::<Vec<_>>();
        assert!(
            moved
                .iter()
                .any(|d| d.schemas[0].actions != original.schemas[0].actions)
        );
        assert!(moved.iter().all(|d| overloads(d) == ["x0", "x3", "x6"]));
        let only_overloads = Parts {
            overloads: true,
            ..Parts::NONE
        };
        let reordered = (0..20)
            .map(|seed| shuffle(&original, seed, only_overloads))
            .collect::<Vec<_>>();
        assert!(reordered.iter().any(|d| overloads(d) != ["x0", "x3", "x6"]));
        for d in &reordered {
            let places = names(&d.schemas[0].actions, |a| &a.name);
            assert_eq!(
                places,
                names(&original.schemas[0].actions, |a| &a.name),
                "names keep their places"
            );
        }
    }

    #[test]
    fn annotations_and_record_values_move_and_collections_keep_their_order() {
        use crate::csdl::{PropertyValue, Record};
        let strings: Vec<AnnotationValue> = (0..8)
            .map(|i| AnnotationValue::String(format!("s{i}")))
            .collect();
        let record = Record {
            properties: (0..8)
                .map(|i| PropertyValue {
                    property: format!("v{i}"),
                    value: AnnotationValue::Collection(strings.clone()),
                    ..PropertyValue::default()
                })
                .collect(),
            ..Record::default()
        };
        let annotations: Vec<Annotation> = (0..8)
            .map(|i| Annotation {
                term: format!("T{i}"),
                value: AnnotationValue::Record(record.clone()),
                ..Annotation::default()
            })
            .collect();
        let mut original = document();
        original.schemas[0].entity_types[0].properties[0].annotations = annotations;
        let terms = |d: &Document| -> Vec<String> {
            let property = &d.schemas[0].entity_types[0].properties[0];
            names(&property.annotations, |a| &a.term)
        };
        let only = Parts {
            annotations: true,
            ..Parts::NONE
        };
        let moved: Vec<Document> = (0..10).map(|seed| shuffle(&original, seed, only)).collect();
        assert!(moved.iter().any(|d| terms(d) != terms(&original)));
        for d in &moved {
            let mut sorted = terms(d);
            sorted.sort();
            assert_eq!(sorted, terms(&original));
            for annotation in &d.schemas[0].entity_types[0].properties[0].annotations {
                let record = annotation.value.as_record().unwrap();
                let mut values = names(&record.properties, |v| &v.property);
                values.sort();
                assert_eq!(values, ["v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"]);
                for value in &record.properties {
                    assert_eq!(value.value.as_collection(), Some(&strings[..]));
                }
            }
        }
        let record_orders: Vec<Vec<String>> = moved
            .iter()
            .map(|d| {
                let annotation = &d.schemas[0].entity_types[0].properties[0].annotations[0];
                names(&annotation.value.as_record().unwrap().properties, |v| {
                    &v.property
                })
            })
            .collect();
        assert!(
            record_orders
                .iter()
                .any(|order| order != &names(&record.properties, |v| &v.property))
        );
        assert_eq!(shuffle(&original, 3, Parts::NONE), original);
    }
}
