//! The CSDL elements: one function per element, each reading its attributes and then
//! its children through the [`Cursor`].

use super::annotation::{parse_annotation, parse_annotations, parse_inline_annotations};
use super::cursor::{Cursor, Tag};
use crate::csdl::{
    Annotation, Document, EntityContainer, EntitySet, EnumType, Include, Member,
    NavigationProperty, NavigationPropertyBinding, Operation, OperationImport, OperationKind,
    Parameter, Property, Reference, ReturnType, Schema, Singleton, StructuredKind, StructuredType,
    Term, TypeDefinition,
};
use crate::error::Result;

/// `edmx:Edmx`: `Version`, then `edmx:Reference`s and `edmx:DataServices`.
pub(super) fn parse_edmx<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Document> {
    let mut document = Document {
        file: cur.file.to_owned(),
        ..Document::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Version" {
            document.version = value.into_owned();
        }
    }
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Reference" => document.references.push(parse_reference(cur, &child)?),
            "DataServices" => parse_data_services(cur, &child, &mut document.schemas)?,
            _ => cur.skip(&child)?,
        }
    }
    Ok(document)
}

/// `edmx:Reference Uri=".."` with its `edmx:Include`s (`edmx:IncludeAnnotations` is skipped).
fn parse_reference<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Reference> {
    let mut uri = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Uri" {
            uri = Some(value.into_owned());
        }
    }
    let mut reference = Reference {
        uri: cur.required(tag, "Uri", uri)?,
        includes: Vec::new(),
        pos: tag.pos,
    };
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Include" => reference.includes.push(parse_include(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(reference)
}

/// `edmx:Include Namespace=".." Alias=".."`.
fn parse_include<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Include> {
    let mut namespace = None;
    let mut alias = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Namespace" => namespace = Some(value.into_owned()),
            "Alias" => alias = Some(value.into_owned()),
            _ => {}
        }
    }
    let include = Include {
        namespace: cur.namespace(tag, namespace)?,
        alias: cur.alias(tag, alias)?,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(include)
}

/// `edmx:DataServices`: its `Schema`s.
fn parse_data_services<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    schemas: &mut Vec<Schema>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Schema" => schemas.push(parse_schema(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(())
}

/// `Schema Namespace=".." Alias=".."` and every schema element in it.
fn parse_schema<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Schema> {
    let mut namespace = None;
    let mut alias = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Namespace" => namespace = Some(value.into_owned()),
            "Alias" => alias = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut schema = Schema {
        namespace: cur.namespace(tag, namespace)?,
        alias: cur.alias(tag, alias)?,
        pos: tag.pos,
        ..Schema::default()
    };
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "EntityType" => schema.entity_types.push(parse_structured_type(
                cur,
                &child,
                StructuredKind::Entity,
            )?),
            "ComplexType" => schema.complex_types.push(parse_structured_type(
                cur,
                &child,
                StructuredKind::Complex,
            )?),
            "EnumType" => schema.enum_types.push(parse_enum_type(cur, &child)?),
            "TypeDefinition" => schema
                .type_definitions
                .push(parse_type_definition(cur, &child)?),
            "Action" => schema
                .actions
                .push(parse_operation(cur, &child, OperationKind::Action)?),
            "Function" => {
                schema
                    .functions
                    .push(parse_operation(cur, &child, OperationKind::Function)?);
            }
            "Term" => schema.terms.push(parse_term(cur, &child)?),
            "EntityContainer" => schema
                .entity_containers
                .push(parse_entity_container(cur, &child)?),
            "Annotations" => schema.annotations.push(parse_annotations(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(schema)
}

/// `EntityType` or `ComplexType`: `Key`, `Property`, `NavigationProperty`, `Annotation`.
fn parse_structured_type<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    kind: StructuredKind,
) -> Result<StructuredType> {
    let mut name = None;
    let mut ty = StructuredType {
        kind,
        pos: tag.pos,
        ..StructuredType::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "BaseType" => ty.base_type = Some(value.into_owned()),
            "Abstract" => ty.is_abstract = cur.boolean(tag, key, &value)?,
            "OpenType" => ty.open_type = cur.boolean(tag, key, &value)?,
            "HasStream" => ty.has_stream = cur.boolean(tag, key, &value)?,
            _ => {}
        }
    }
    ty.name = cur.identifier(tag, "Name", name)?;
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Key" => parse_key(cur, &child, &mut ty.key)?,
            "Property" => ty.properties.push(parse_property(cur, &child)?),
            "NavigationProperty" => ty
                .navigation_properties
                .push(parse_navigation_property(cur, &child)?),
            "Annotation" => ty.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(ty)
}

/// `Key`: the `Name`s of its `PropertyRef`s, appended to `key`.
fn parse_key<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>, key: &mut Vec<String>) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        if child.local() == "PropertyRef" {
            let mut name = None;
            for attr in cur.attributes(&child) {
                let (attr_key, value) = cur.check(&child, attr)?;
                if attr_key == "Name" {
                    name = Some(value.into_owned());
                }
            }
            key.push(cur.required(&child, "Name", name)?);
        }
        cur.skip(&child)?;
    }
    Ok(())
}

/// `Property` and its inline annotations.
fn parse_property<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Property> {
    let mut name = None;
    let mut type_name = None;
    let mut property = Property {
        pos: tag.pos,
        ..Property::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => property.nullable = Some(cur.boolean(tag, key, &value)?),
            "DefaultValue" => property.default_value = Some(value.into_owned()),
            "MaxLength" => property.max_length = Some(value.into_owned()),
            "Precision" => property.precision = Some(cur.integer(tag, key, &value)?),
            "Scale" => property.scale = Some(value.into_owned()),
            "Unicode" => property.unicode = Some(cur.boolean(tag, key, &value)?),
            _ => {}
        }
    }
    property.name = cur.property_name(tag, name)?;
    property.type_name = cur.required(tag, "Type", type_name)?;
    parse_inline_annotations(cur, tag, &mut property.annotations)?;
    Ok(property)
}

/// `NavigationProperty` and its inline annotations (`ReferentialConstraint` and
/// `OnDelete` are skipped).
fn parse_navigation_property<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
) -> Result<NavigationProperty> {
    let mut name = None;
    let mut type_name = None;
    let mut property = NavigationProperty {
        pos: tag.pos,
        ..NavigationProperty::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => property.nullable = Some(cur.boolean(tag, key, &value)?),
            "Partner" => property.partner = Some(value.into_owned()),
            "ContainsTarget" => property.contains_target = cur.boolean(tag, key, &value)?,
            _ => {}
        }
    }
    property.name = cur.identifier(tag, "Name", name)?;
    property.type_name = cur.required(tag, "Type", type_name)?;
    parse_inline_annotations(cur, tag, &mut property.annotations)?;
    Ok(property)
}

/// `EnumType`: `Member`s and inline annotations.
fn parse_enum_type<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<EnumType> {
    let mut name = None;
    let mut ty = EnumType {
        pos: tag.pos,
        ..EnumType::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "UnderlyingType" => ty.underlying_type = Some(value.into_owned()),
            "IsFlags" => ty.is_flags = cur.boolean(tag, key, &value)?,
            _ => {}
        }
    }
    ty.name = cur.identifier(tag, "Name", name)?;
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Member" => ty.members.push(parse_member(cur, &child)?),
            "Annotation" => ty.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(ty)
}

/// `EnumType/Member Name=".." Value=".."`.
fn parse_member<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Member> {
    let mut name = None;
    let mut member = Member {
        pos: tag.pos,
        ..Member::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Value" => member.value = Some(cur.integer(tag, key, &value)?),
            _ => {}
        }
    }
    member.name = cur.identifier(tag, "Name", name)?;
    parse_inline_annotations(cur, tag, &mut member.annotations)?;
    Ok(member)
}

/// `TypeDefinition Name=".." UnderlyingType=".."`.
fn parse_type_definition<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<TypeDefinition> {
    let mut name = None;
    let mut underlying_type = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "UnderlyingType" => underlying_type = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut definition = TypeDefinition {
        name: cur.identifier(tag, "Name", name)?,
        underlying_type: cur.required(tag, "UnderlyingType", underlying_type)?,
        annotations: Vec::new(),
        pos: tag.pos,
    };
    parse_inline_annotations(cur, tag, &mut definition.annotations)?;
    Ok(definition)
}

/// `Action` or `Function`: `Parameter`s, `ReturnType` and inline annotations.
fn parse_operation<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    kind: OperationKind,
) -> Result<Operation> {
    let mut name = None;
    let mut operation = Operation {
        kind,
        pos: tag.pos,
        ..Operation::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "IsBound" => operation.is_bound = cur.boolean(tag, key, &value)?,
            "IsComposable" => operation.is_composable = cur.boolean(tag, key, &value)?,
            "EntitySetPath" => operation.entity_set_path = Some(value.into_owned()),
            _ => {}
        }
    }
    operation.name = cur.identifier(tag, "Name", name)?;
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Parameter" => operation.parameters.push(parse_parameter(cur, &child)?),
            "ReturnType" => operation.return_type = Some(parse_return_type(cur, &child)?),
            "Annotation" => operation.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(operation)
}

/// `Parameter` and its inline annotations.
fn parse_parameter<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Parameter> {
    let mut name = None;
    let mut type_name = None;
    let mut parameter = Parameter {
        pos: tag.pos,
        ..Parameter::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => parameter.nullable = Some(cur.boolean(tag, key, &value)?),
            "Unicode" => parameter.unicode = Some(cur.boolean(tag, key, &value)?),
            _ => {}
        }
    }
    parameter.name = cur.identifier(tag, "Name", name)?;
    parameter.type_name = cur.required(tag, "Type", type_name)?;
    parse_inline_annotations(cur, tag, &mut parameter.annotations)?;
    Ok(parameter)
}

/// `ReturnType Type=".." Nullable=".."` and its inline annotations.
fn parse_return_type<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<ReturnType> {
    let mut type_name = None;
    let mut nullable = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Type" => type_name = Some(value.into_owned()),
            "Nullable" => nullable = Some(cur.boolean(tag, key, &value)?),
            _ => {}
        }
    }
    let mut return_type = ReturnType {
        type_name: cur.required(tag, "Type", type_name)?,
        nullable,
        annotations: Vec::new(),
        pos: tag.pos,
    };
    parse_inline_annotations(cur, tag, &mut return_type.annotations)?;
    Ok(return_type)
}

/// `Term Name=".." Type=".." AppliesTo=".."`.
fn parse_term<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Term> {
    let mut name = None;
    let mut type_name = None;
    let mut applies_to = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            "AppliesTo" => applies_to = Some(value.into_owned()),
            _ => {}
        }
    }
    let term = Term {
        name: cur.identifier(tag, "Name", name)?,
        type_name: cur.required(tag, "Type", type_name)?,
        applies_to,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(term)
}

/// `EntityContainer`: `EntitySet`, `Singleton`, `ActionImport`, `FunctionImport`.
fn parse_entity_container<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<EntityContainer> {
    let mut name = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Name" {
            name = Some(value.into_owned());
        }
    }
    let mut container = EntityContainer {
        name: cur.identifier(tag, "Name", name)?,
        pos: tag.pos,
        ..EntityContainer::default()
    };
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "EntitySet" => container.entity_sets.push(parse_entity_set(cur, &child)?),
            "Singleton" => container.singletons.push(parse_singleton(cur, &child)?),
            "ActionImport" => container
                .action_imports
                .push(parse_operation_import(cur, &child, "Action")?),
            "FunctionImport" => container
                .function_imports
                .push(parse_operation_import(cur, &child, "Function")?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(container)
}

/// `EntitySet Name=".." EntityType=".."`: navigation bindings and inline annotations.
fn parse_entity_set<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<EntitySet> {
    let mut name = None;
    let mut entity_type = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "EntityType" => entity_type = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut set = EntitySet {
        name: cur.identifier(tag, "Name", name)?,
        entity_type: cur.required(tag, "EntityType", entity_type)?,
        pos: tag.pos,
        ..EntitySet::default()
    };
    parse_navigation_source_children(cur, tag, &mut set.navigation_bindings, &mut set.annotations)?;
    Ok(set)
}

/// `Singleton Name=".." Type=".."`: navigation bindings and inline annotations.
fn parse_singleton<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Singleton> {
    let mut name = None;
    let mut type_name = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "Type" => type_name = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut singleton = Singleton {
        name: cur.identifier(tag, "Name", name)?,
        type_name: cur.required(tag, "Type", type_name)?,
        pos: tag.pos,
        ..Singleton::default()
    };
    parse_navigation_source_children(
        cur,
        tag,
        &mut singleton.navigation_bindings,
        &mut singleton.annotations,
    )?;
    Ok(singleton)
}

/// The children of an `EntitySet` or a `Singleton`.
fn parse_navigation_source_children<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    bindings: &mut Vec<NavigationPropertyBinding>,
    annotations: &mut Vec<Annotation>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "NavigationPropertyBinding" => {
                bindings.push(parse_navigation_property_binding(cur, &child)?);
            }
            "Annotation" => annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(())
}

/// `NavigationPropertyBinding Path=".." Target=".."`.
fn parse_navigation_property_binding<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
) -> Result<NavigationPropertyBinding> {
    let mut path = None;
    let mut target = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Path" => path = Some(value.into_owned()),
            "Target" => target = Some(value.into_owned()),
            _ => {}
        }
    }
    let binding = NavigationPropertyBinding {
        path: cur.required(tag, "Path", path)?,
        target: cur.required(tag, "Target", target)?,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(binding)
}

/// `ActionImport Name=".." Action=".."` or `FunctionImport Name=".." Function=".."`;
/// `operation_attribute` is `Action` or `Function`.
fn parse_operation_import<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    operation_attribute: &str,
) -> Result<OperationImport> {
    let mut name = None;
    let mut operation = None;
    let mut entity_set = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Name" => name = Some(value.into_owned()),
            "EntitySet" => entity_set = Some(value.into_owned()),
            _ if key == operation_attribute => operation = Some(value.into_owned()),
            _ => {}
        }
    }
    let import = OperationImport {
        name: cur.identifier(tag, "Name", name)?,
        operation: cur.required(tag, operation_attribute, operation)?,
        entity_set,
        pos: tag.pos,
    };
    cur.skip(tag)?;
    Ok(import)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csdl::AnnotationValue;
    use crate::error::{Error, Location};
    use crate::parse::test_support::{doc, parse, parse_err, parse_schema, pos};

    #[test]
    fn minimal_document_with_entity_type() {
        let text = doc(
            r#"      <EntityType Name="vppToken" BaseType="ex.entity" OpenType="true" HasStream="false">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <Property Name="token" Type="Edm.String" MaxLength="max" Unicode="false" DefaultValue="x" />
        <Property Name="amount" Type="Edm.Decimal" Precision="10" Scale="variable" />
        <Property Name="states" Type="Collection(ex.vppTokenState)" Nullable="1" />
        <NavigationProperty Name="owner" Type="ex.user" Nullable="false" Partner="tokens" ContainsTarget="true" />
      </EntityType>
"#,
        );
        let document = parse(&text);
        assert_eq!(document.file, "file.xml");
        assert_eq!(document.version, "4.0");
        assert!(document.references.is_empty());
        let schema = &document.schemas[0];
        assert_eq!(schema.namespace, "example.ns");
        assert_eq!(schema.alias.as_deref(), Some("ex"));
        assert_eq!(schema.pos, pos(4, 5));
        assert_eq!(schema.entity_types.len(), 1);

        let ty = &schema.entity_types[0];
        assert_eq!(ty.kind, StructuredKind::Entity);
        assert_eq!(ty.name, "vppToken");
        assert_eq!(ty.base_type.as_deref(), Some("ex.entity"));
        assert!(!ty.is_abstract);
        assert!(ty.open_type);
        assert!(!ty.has_stream);
        assert_eq!(ty.key, ["id"]);
        assert_eq!(ty.pos, pos(5, 7));
        assert!(ty.annotations.is_empty());

        assert_eq!(
            ty.properties,
            [
                Property {
                    name: "id".into(),
                    type_name: "Edm.String".into(),
                    nullable: Some(false),
                    pos: pos(7, 9),
                    ..Property::default()
                },
                Property {
                    name: "token".into(),
                    type_name: "Edm.String".into(),
                    default_value: Some("x".into()),
                    max_length: Some("max".into()),
                    unicode: Some(false),
                    pos: pos(8, 9),
                    ..Property::default()
                },
                Property {
                    name: "amount".into(),
                    type_name: "Edm.Decimal".into(),
                    precision: Some(10),
                    scale: Some("variable".into()),
                    pos: pos(9, 9),
                    ..Property::default()
                },
                Property {
                    name: "states".into(),
                    type_name: "Collection(ex.vppTokenState)".into(),
                    nullable: Some(true),
                    pos: pos(10, 9),
                    ..Property::default()
                },
            ]
        );
        assert_eq!(
            ty.navigation_properties,
            [NavigationProperty {
                name: "owner".into(),
                type_name: "ex.user".into(),
                nullable: Some(false),
                partner: Some("tokens".into()),
                contains_target: true,
                annotations: vec![],
                pos: pos(11, 9),
            }]
        );
    }

    #[test]
    fn complex_type_with_base_type() {
        let schema = parse_schema(
            r#"      <ComplexType Name="vppTokenActionResult" Abstract="true" />
      <ComplexType Name="vppTokenRevokeLicensesActionResult" BaseType="ex.vppTokenActionResult">
        <Property Name="totalLicensesCount" Type="Edm.Int32" Nullable="false" />
      </ComplexType>
"#,
        );
        assert!(schema.entity_types.is_empty());
        let [base, derived] = &schema.complex_types[..] else {
            panic!("expected two complex types: {:?}", schema.complex_types);
        };
        assert_eq!(base.kind, StructuredKind::Complex);
        assert_eq!(base.name, "vppTokenActionResult");
        assert!(base.is_abstract);
        assert_eq!(base.base_type, None);
        assert!(base.properties.is_empty());
        assert_eq!(base.pos, pos(5, 7));
        assert_eq!(derived.kind, StructuredKind::Complex);
        assert_eq!(derived.name, "vppTokenRevokeLicensesActionResult");
        assert!(!derived.is_abstract);
        assert_eq!(
            derived.base_type.as_deref(),
            Some("ex.vppTokenActionResult")
        );
        assert_eq!(derived.properties.len(), 1);
        assert_eq!(derived.properties[0].name, "totalLicensesCount");
        assert_eq!(derived.properties[0].pos, pos(7, 9));
    }

    #[test]
    fn enum_with_flags_and_members() {
        let schema = parse_schema(
            r#"      <EnumType Name="vppTokenState">
        <Member Name="unknown" Value="0" />
        <Member Name="valid" Value="1" />
        <Member Name="unknownFutureValue" Value="-9223372036854775808" />
      </EnumType>
      <EnumType Name="syncStatus" UnderlyingType="Edm.Int64" IsFlags="true">
        <Member Name="none" />
        <Member Name="inProgress" Value=" 4 ">
          <Annotation Term="Core.Description" String="Syncing" />
        </Member>
      </EnumType>
"#,
        );
        let [state, sync] = &schema.enum_types[..] else {
            panic!("expected two enum types: {:?}", schema.enum_types);
        };
        assert_eq!(state.name, "vppTokenState");
        assert_eq!(state.underlying_type, None);
        assert!(!state.is_flags);
        assert_eq!(state.pos, pos(5, 7));
        let members: Vec<_> = state
            .members
            .iter()
            .map(|m| (m.name.as_str(), m.value, m.pos))
            .collect();
        assert_eq!(
            members,
            [
                ("unknown", Some(0), pos(6, 9)),
                ("valid", Some(1), pos(7, 9)),
                ("unknownFutureValue", Some(i64::MIN), pos(8, 9)),
            ]
        );

        assert_eq!(sync.name, "syncStatus");
        assert_eq!(sync.underlying_type.as_deref(), Some("Edm.Int64"));
        assert!(sync.is_flags);
        assert_eq!(sync.members[0].name, "none");
        assert_eq!(sync.members[0].value, None);
        assert_eq!(sync.members[1].value, Some(4));
        assert_eq!(
            sync.members[1].annotations,
            [Annotation {
                term: "Core.Description".into(),
                qualifier: None,
                value: AnnotationValue::String("Syncing".into()),
                annotations: Vec::new(),
                pos: pos(13, 11),
            }]
        );
    }

    #[test]
    fn action_with_parameters_and_return_type() {
        let schema = parse_schema(
            r#"      <Action Name="revokeLicenses" IsBound="true" EntitySetPath="bindingParameter/licenses">
        <Parameter Name="bindingParameter" Type="ex.vppToken" Nullable="false" />
        <Parameter Name="notifyManagedDevices" Type="Edm.Boolean" Nullable="false" />
        <Parameter Name="note" Type="Edm.String" Unicode="true">
          <Annotation Term="Core.OptionalParameter" />
        </Parameter>
        <ReturnType Type="Collection(ex.vppTokenActionResult)" Nullable="false">
          <Annotation Term="Org.OData.Core.V1.IsDelta" Bool="true" />
        </ReturnType>
      </Action>
      <Action Name="syncLicenses" />
"#,
        );
        assert!(schema.functions.is_empty());
        let [revoke, sync] = &schema.actions[..] else {
            panic!("expected two actions: {:?}", schema.actions);
        };
        assert_eq!(revoke.kind, OperationKind::Action);
        assert_eq!(revoke.name, "revokeLicenses");
        assert!(revoke.is_bound);
        assert!(!revoke.is_composable);
        assert_eq!(
            revoke.entity_set_path.as_deref(),
            Some("bindingParameter/licenses")
        );
        assert_eq!(revoke.pos, pos(5, 7));
        assert_eq!(
            revoke.parameters,
            [
                Parameter {
                    name: "bindingParameter".into(),
                    type_name: "ex.vppToken".into(),
                    nullable: Some(false),
                    unicode: None,
                    annotations: vec![],
                    pos: pos(6, 9),
                },
                Parameter {
                    name: "notifyManagedDevices".into(),
                    type_name: "Edm.Boolean".into(),
                    nullable: Some(false),
                    unicode: None,
                    annotations: vec![],
                    pos: pos(7, 9),
                },
                Parameter {
                    name: "note".into(),
                    type_name: "Edm.String".into(),
                    nullable: None,
                    unicode: Some(true),
                    annotations: vec![Annotation {
                        term: "Core.OptionalParameter".into(),
                        qualifier: None,
                        value: AnnotationValue::Empty,
                        annotations: Vec::new(),
                        pos: pos(9, 11),
                    }],
                    pos: pos(8, 9),
                },
            ]
        );
        assert_eq!(
            revoke.return_type,
            Some(ReturnType {
                type_name: "Collection(ex.vppTokenActionResult)".into(),
                nullable: Some(false),
                annotations: vec![Annotation {
                    term: "Org.OData.Core.V1.IsDelta".into(),
                    qualifier: None,
                    value: AnnotationValue::Bool(true),
                    annotations: Vec::new(),
                    pos: pos(12, 11),
                }],
                pos: pos(11, 9),
            })
        );
        assert_eq!(sync.name, "syncLicenses");
        assert!(!sync.is_bound);
        assert!(sync.parameters.is_empty());
        assert_eq!(sync.return_type, None);
    }

    #[test]
    fn function() {
        let schema = parse_schema(
            r#"      <Function Name="getLicensesForApp" IsBound="true" IsComposable="true">
        <Parameter Name="bindingParameter" Type="Collection(ex.vppToken)" />
        <Parameter Name="bundleId" Type="Edm.String" Nullable="false" />
        <ReturnType Type="Collection(ex.vppToken)" />
      </Function>
"#,
        );
        assert!(schema.actions.is_empty());
        let function = &schema.functions[0];
        assert_eq!(function.kind, OperationKind::Function);
        assert_eq!(function.name, "getLicensesForApp");
        assert!(function.is_bound);
        assert!(function.is_composable);
        assert_eq!(function.entity_set_path, None);
        let names: Vec<_> = function
            .parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["bindingParameter", "bundleId"]);
        let return_type = function.return_type.as_ref().map(|r| r.type_name.as_str());
        assert_eq!(return_type, Some("Collection(ex.vppToken)"));
    }

    #[test]
    fn entity_container() {
        let schema = parse_schema(
            r#"      <EntityContainer Name="GraphService">
        <EntitySet Name="vppTokens" EntityType="ex.vppToken" IncludeInServiceDocument="true">
          <NavigationPropertyBinding Path="owner" Target="users" />
          <Annotation Term="Capabilities.CountRestrictions" />
        </EntitySet>
        <Singleton Name="deviceAppManagement" Type="ex.deviceAppManagement">
          <NavigationPropertyBinding Path="vppTokens/owner" Target="users" />
        </Singleton>
        <ActionImport Name="resetAll" Action="ex.resetAll" />
        <FunctionImport Name="recent" Function="ex.recent" EntitySet="vppTokens" />
      </EntityContainer>
"#,
        );
        let [container] = &schema.entity_containers[..] else {
            panic!("expected one container: {:?}", schema.entity_containers);
        };
        assert_eq!(container.name, "GraphService");
        assert_eq!(container.pos, pos(5, 7));
        assert_eq!(
            container.entity_sets,
            [EntitySet {
                name: "vppTokens".into(),
                entity_type: "ex.vppToken".into(),
                navigation_bindings: vec![NavigationPropertyBinding {
                    path: "owner".into(),
                    target: "users".into(),
                    pos: pos(7, 11),
                }],
                annotations: vec![Annotation {
                    term: "Capabilities.CountRestrictions".into(),
                    qualifier: None,
                    value: AnnotationValue::Empty,
                    annotations: Vec::new(),
                    pos: pos(8, 11),
                }],
                pos: pos(6, 9),
            }]
        );
        assert_eq!(
            container.singletons,
            [Singleton {
                name: "deviceAppManagement".into(),
                type_name: "ex.deviceAppManagement".into(),
                navigation_bindings: vec![NavigationPropertyBinding {
                    path: "vppTokens/owner".into(),
                    target: "users".into(),
                    pos: pos(11, 11),
                }],
                annotations: vec![],
                pos: pos(10, 9),
            }]
        );
        assert_eq!(
            container.action_imports,
            [OperationImport {
                name: "resetAll".into(),
                operation: "ex.resetAll".into(),
                entity_set: None,
                pos: pos(13, 9),
            }]
        );
        assert_eq!(
            container.function_imports,
            [OperationImport {
                name: "recent".into(),
                operation: "ex.recent".into(),
                entity_set: Some("vppTokens".into()),
                pos: pos(14, 9),
            }]
        );
    }

    #[test]
    fn references_aliases_terms_and_type_definitions() {
        let text = r#"<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
    <edmx:Include Namespace="Org.OData.Core.V2" />
    <edmx:IncludeAnnotations TermNamespace="Org.OData.Core.V1" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph">
      <Term Name="sourceId" Type="Edm.String" AppliesTo="EntityType Property" />
      <TypeDefinition Name="token" UnderlyingType="Edm.String">
        <Annotation Term="Core.Description" String="opaque" />
      </TypeDefinition>
    </Schema>
    <Schema Namespace="microsoft.graph.callRecords" />
  </edmx:DataServices>
</edmx:Edmx>"#;
        let document = parse(text);
        assert_eq!(document.version, "4.01");
        assert_eq!(
            document.references,
            [Reference {
                uri: "https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml".into(),
                includes: vec![
                    Include {
                        namespace: "Org.OData.Core.V1".into(),
                        alias: Some("Core".into()),
                        pos: pos(3, 5),
                    },
                    Include {
                        namespace: "Org.OData.Core.V2".into(),
                        alias: None,
                        pos: pos(4, 5),
                    },
                ],
                pos: pos(2, 3),
            }]
        );
        let [graph, call_records] = &document.schemas[..] else {
            panic!("expected two schemas: {:?}", document.schemas);
        };
        assert_eq!(graph.namespace, "microsoft.graph");
        assert_eq!(graph.alias.as_deref(), Some("graph"));
        assert_eq!(
            graph.terms,
            [Term {
                name: "sourceId".into(),
                type_name: "Edm.String".into(),
                applies_to: Some("EntityType Property".into()),
                pos: pos(9, 7),
            }]
        );
        assert_eq!(
            graph.type_definitions,
            [TypeDefinition {
                name: "token".into(),
                underlying_type: "Edm.String".into(),
                annotations: vec![Annotation {
                    term: "Core.Description".into(),
                    qualifier: None,
                    value: AnnotationValue::String("opaque".into()),
                    annotations: Vec::new(),
                    pos: pos(11, 9),
                }],
                pos: pos(10, 7),
            }]
        );
        assert_eq!(call_records.namespace, "microsoft.graph.callRecords");
        assert_eq!(call_records.alias, None);
        assert_eq!(call_records.pos, pos(14, 5));
    }

    #[test]
    fn unknown_elements_and_attributes_are_skipped() {
        let schema = parse_schema(
            r#"      <Future Kind="x"><EntityType Name="notMe" /><Deeper><Property Name="nope" /></Deeper></Future>
      <EntityType Name="a" Future="1" xmlns:v="urn:v" v:Extra="2">
        <Property Name="p" Type="Edm.String"><ReferentialConstraint Property="x" /><Other><Annotation Term="No.Term" /></Other></Property>
        <v:Unknown><Property Name="hidden" Type="Edm.String"/></v:Unknown>
        <Property Name="q" Type="Edm.Int32"/>
      </EntityType>
      <Future2/>
"#,
        );
        let [ty] = &schema.entity_types[..] else {
            panic!("expected one entity type: {:?}", schema.entity_types);
        };
        assert_eq!(ty.name, "a");
        let names: Vec<_> = ty.properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["p", "q"]);
        assert!(ty.properties[0].annotations.is_empty());
        assert_eq!(ty.properties[1].pos, pos(9, 9));
    }

    #[test]
    fn missing_name_is_a_csdl_error() {
        let error = parse_err(&doc("      <EntityType BaseType=\"ex.entity\" />\n"));
        let Error::Csdl {
            location,
            element,
            message,
        } = &error
        else {
            panic!("expected a CSDL error: {error:?}");
        };
        assert_eq!(location, &Location::new("file.xml", pos(5, 7)));
        assert_eq!(element, "EntityType");
        assert_eq!(message, "missing required attribute `Name`");
        assert_eq!(
            error.to_string(),
            "file.xml:5:7: <EntityType>: missing required attribute `Name`"
        );

        let error = parse_err(&doc(
            "      <ComplexType Name=\"c\">\n        <Property Name=\"p\"/>\n      </ComplexType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:6:9: <Property>: missing required attribute `Type`"
        );

        let error = parse_err(&doc(
            "      <EnumType Name=\"e\"><Member Value=\"1\"/></EnumType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:5:26: <Member>: missing required attribute `Name`"
        );

        let error = parse_err(&doc("      <Action IsBound=\"true\"/>\n"));
        assert_eq!(
            error.to_string(),
            "file.xml:5:7: <Action>: missing required attribute `Name`"
        );

        let error = parse_err(&doc(
            "      <Function Name=\"f\"><Parameter Name=\"p\"/></Function>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:5:26: <Parameter>: missing required attribute `Type`"
        );
    }

    #[test]
    fn bad_values_are_csdl_errors() {
        let error = parse_err(&doc(
            "      <EntityType Name=\"a\">\n        <Property Name=\"p\" Type=\"Edm.String\" Nullable=\"maybe\" />\n      </EntityType>\n",
        ));
        let Error::Csdl {
            location,
            element,
            message,
        } = &error
        else {
            panic!("expected a CSDL error: {error:?}");
        };
        assert_eq!(location.pos, pos(6, 9));
        assert_eq!(element, "Property");
        assert_eq!(
            message,
            "attribute `Nullable` must be `true` or `false`, not `maybe`"
        );

        let error = parse_err(&doc(
            "      <EnumType Name=\"e\">\n        <Member Name=\"m\" Value=\"one\" />\n      </EnumType>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:6:9: <Member>: attribute `Value` must be an integer, not `one`"
        );

        let error = parse_err(&doc(
            "      <Term Name=\"t\" Type=\"Edm.Boolean\"/>\n      <Annotations Target=\"t\">\n        <Annotation Term=\"t\"><Bool>yes</Bool></Annotation>\n      </Annotations>\n",
        ));
        assert_eq!(
            error.to_string(),
            "file.xml:7:30: <Bool>: the content must be `true` or `false`, not `yes`"
        );
    }
}
