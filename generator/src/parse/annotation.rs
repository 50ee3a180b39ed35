//! Annotations: `Annotation` elements with their values, and out-of-line
//! `Annotations Target=".."` blocks.
//!
//! A value is read whole into an [`AnnotationValue`]: constants, paths, `Record`s with
//! their `PropertyValue`s, `Collection`s, `Null`, `UrlRef`, and, kept as written, the
//! dynamic expressions the generator does not evaluate. An element holds at most one
//! value, as an attribute or as one expression child; a second one is a CSDL error.

use std::fmt;

use super::cursor::{Cursor, Tag};
use super::lexical::is_xml_space;
use crate::csdl::{
    Annotation, AnnotationValue, Annotations, Expression, Pos, PropertyValue, Record,
};
use crate::error::Result;

/// An out-of-line `Annotations Target=".." Qualifier=".."` block.
pub(super) fn parse_annotations<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Annotations> {
    let mut target = None;
    let mut qualifier = None;
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Target" => target = Some(value.into_owned()),
            "Qualifier" => qualifier = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut block = Annotations {
        target: cur.required(tag, "Target", target)?,
        qualifier,
        annotations: Vec::new(),
        pos: tag.pos,
    };
    parse_inline_annotations(cur, tag, &mut block.annotations)?;
    Ok(block)
}

/// Reads the `Annotation` children of `tag` into `annotations`, skipping anything else.
pub(super) fn parse_inline_annotations<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    annotations: &mut Vec<Annotation>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Annotation" => annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(())
}

/// `Annotation Term=".." Qualifier=".."` with its value, written either as an
/// attribute (`String=".."`, `Bool=".."`, …) or as the one expression child
/// (`<String>..</String>`, `<Record>`, …), and its own `Annotation` children.
pub(super) fn parse_annotation<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Annotation> {
    let mut term = None;
    let mut qualifier = None;
    let mut value = Value::default();
    for attr in cur.attributes(tag) {
        let (key, text) = cur.check(tag, attr)?;
        match key {
            "Term" => term = Some(text.into_owned()),
            "Qualifier" => qualifier = Some(text.into_owned()),
            _ => value.read_attribute(cur, tag, key, text.into_owned())?,
        }
    }
    let term = cur.required(tag, "Term", term)?;
    let mut annotations = Vec::new();
    read_value_children(cur, tag, &mut value, &mut annotations)?;
    Ok(Annotation {
        term,
        qualifier,
        value: value.into_value(),
        annotations,
        pos: tag.pos,
    })
}

/// How deep in the XML an expression may stand: deeper nesting is refused rather than
/// risking the stack.
const MAX_EXPRESSION_DEPTH: u32 = 128;

/// The attributes that give an `Annotation` or a `PropertyValue` its value.
const ATTRIBUTE_FORMS: [&str; 18] = [
    "String",
    "Bool",
    "Int",
    "Float",
    "Decimal",
    "Date",
    "DateTimeOffset",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
    "EnumMember",
    "Path",
    "PropertyPath",
    "NavigationPropertyPath",
    "AnnotationPath",
    "ModelElementPath",
    "UrlRef",
];

/// `key` as one of [`ATTRIBUTE_FORMS`], or `None` when it gives no value.
fn attribute_form(key: &str) -> Option<&'static str> {
    ATTRIBUTE_FORMS.iter().copied().find(|form| *form == key)
}

/// Where the value of an element was written, for the error when it has two.
enum Source {
    Attribute(&'static str),
    Element(String, Pos),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Attribute(name) => write!(f, "attribute `{name}`"),
            Source::Element(name, pos) => write!(f, "element `<{name}>` at {pos}"),
        }
    }
}

/// The value of an `Annotation` or a `PropertyValue` while it is read: at most one.
#[derive(Default)]
struct Value {
    value: Option<AnnotationValue>,
    /// How the value was written, for the error message.
    source: Option<Source>,
}

impl Value {
    /// Records `value`, written as `source`; a second value is an error about `tag`.
    fn set(
        &mut self,
        cur: &Cursor<'_>,
        tag: &Tag<'_>,
        value: AnnotationValue,
        source: Source,
    ) -> Result<()> {
        if let Some(first) = &self.source {
            return Err(cur.csdl_error(
                tag,
                format!("two values, {first} and {source}: write only one"),
            ));
        }
        self.value = Some(value);
        self.source = Some(source);
        Ok(())
    }

    /// Records the value an attribute `key` of `tag` gives, if it is one of
    /// [`ATTRIBUTE_FORMS`] (other attributes give none).
    fn read_attribute(
        &mut self,
        cur: &Cursor<'_>,
        tag: &Tag<'_>,
        key: &str,
        text: String,
    ) -> Result<()> {
        if let Some(form) = attribute_form(key)
            && let Some(constant) = constant(cur, tag, form, form, text)?
        {
            self.set(cur, tag, constant, Source::Attribute(form))?;
        }
        Ok(())
    }

    fn into_value(self) -> AnnotationValue {
        self.value.unwrap_or_default()
    }
}

/// Reads the children of an `Annotation` or a `PropertyValue`: `Annotation`s into
/// `annotations`, and the one expression into `value`.
fn read_value_children<'a>(
    cur: &mut Cursor<'a>,
    tag: &Tag<'a>,
    value: &mut Value,
    annotations: &mut Vec<Annotation>,
) -> Result<()> {
    while let Some(child) = cur.next_child(tag)? {
        if child.local() == "Annotation" {
            annotations.push(parse_annotation(cur, &child)?);
        } else {
            let expression = parse_expression(cur, &child)?;
            let source = Source::Element(child.name().to_owned(), child.pos);
            value.set(cur, tag, expression, source)?;
        }
    }
    Ok(())
}

/// The constant or path written as attribute `key` (or as the element `key`) with text
/// `text`, or `None` when `key` names no such expression. The attribute form of `UrlRef`
/// is the URL as a string (its element form is read by [`parse_expression`]). `what` names the attribute, or
/// is `content` for an element's text, in errors. `tag` is the element errors are about.
fn constant(
    cur: &Cursor<'_>,
    tag: &Tag<'_>,
    key: &str,
    what: &str,
    text: String,
) -> Result<Option<AnnotationValue>> {
    Ok(Some(match key {
        "String" => AnnotationValue::String(text),
        "Bool" => AnnotationValue::Bool(cur.boolean(tag, what, &text)?),
        "Int" => AnnotationValue::Int(cur.integer(tag, what, &text)?),
        "Float" => AnnotationValue::Float(trimmed(text)),
        "Decimal" => AnnotationValue::Decimal(trimmed(text)),
        "Date" => AnnotationValue::Date(trimmed(text)),
        "DateTimeOffset" => AnnotationValue::DateTimeOffset(trimmed(text)),
        "TimeOfDay" => AnnotationValue::TimeOfDay(trimmed(text)),
        "Duration" => AnnotationValue::Duration(trimmed(text)),
        "Guid" => AnnotationValue::Guid(trimmed(text)),
        "Binary" => AnnotationValue::Binary(trimmed(text)),
        "EnumMember" => AnnotationValue::EnumMember(trimmed(text)),
        "Path" => AnnotationValue::Path(trimmed(text)),
        "PropertyPath" => AnnotationValue::PropertyPath(trimmed(text)),
        "NavigationPropertyPath" => AnnotationValue::NavigationPropertyPath(trimmed(text)),
        "AnnotationPath" => AnnotationValue::AnnotationPath(trimmed(text)),
        "ModelElementPath" => AnnotationValue::ModelElementPath(trimmed(text)),
        "UrlRef" => AnnotationValue::UrlRef(Box::new(AnnotationValue::String(text))),
        _ => return Ok(None),
    }))
}

/// The expression element `tag`, with its whole subtree.
fn parse_expression<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<AnnotationValue> {
    if tag.depth > MAX_EXPRESSION_DEPTH {
        return Err(cur.csdl_error(
            tag,
            format!("an expression more than {MAX_EXPRESSION_DEPTH} elements deep in the document"),
        ));
    }
    let local = tag.local();
    match local {
        "Record" => return Ok(AnnotationValue::Record(parse_record(cur, tag)?)),
        "Collection" => {
            let mut items = Vec::new();
            while let Some(child) = cur.next_child(tag)? {
                match child.local() {
                    // A collection holds expressions only; `Annotation` is not one.
                    "Annotation" => cur.skip(&child)?,
                    _ => items.push(parse_expression(cur, &child)?),
                }
            }
            return Ok(AnnotationValue::Collection(items));
        }
        "Null" => {
            cur.skip(tag)?;
            return Ok(AnnotationValue::Null);
        }
        "UrlRef" => {
            let mut value = Value::default();
            read_value_children(cur, tag, &mut value, &mut Vec::new())?;
            return Ok(AnnotationValue::UrlRef(Box::new(value.into_value())));
        }
        _ => {}
    }
    // A constant or a path, written as its text (`UrlRef`, the one form that is not, is
    // read above).
    if attribute_form(local).is_some() {
        let text = cur.text(tag)?;
        if let Some(constant) = constant(cur, tag, local, "content", text)? {
            return Ok(constant);
        }
    }
    Ok(AnnotationValue::Expression(parse_other_expression(
        cur, tag,
    )?))
}

/// `Record Type=".."`: its `PropertyValue`s and `Annotation`s (anything else is skipped).
fn parse_record<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Record> {
    let mut record = Record {
        pos: tag.pos,
        ..Record::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key == "Type" {
            record.type_name = Some(value.into_owned());
        }
    }
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "PropertyValue" => record.properties.push(parse_property_value(cur, &child)?),
            "Annotation" => record.annotations.push(parse_annotation(cur, &child)?),
            _ => cur.skip(&child)?,
        }
    }
    Ok(record)
}

/// `PropertyValue Property=".."` with its value, in attribute or element form, and its
/// `Annotation`s.
fn parse_property_value<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<PropertyValue> {
    let mut property = None;
    let mut value = Value::default();
    for attr in cur.attributes(tag) {
        let (key, text) = cur.check(tag, attr)?;
        if key == "Property" {
            property = Some(text.into_owned());
        } else {
            value.read_attribute(cur, tag, key, text.into_owned())?;
        }
    }
    let property = cur.required(tag, "Property", property)?;
    let mut annotations = Vec::new();
    read_value_children(cur, tag, &mut value, &mut annotations)?;
    Ok(PropertyValue {
        property,
        value: value.into_value(),
        annotations,
        pos: tag.pos,
    })
}

/// An expression the generator does not evaluate (`If`, `Apply`, `Eq`, …): its name, its
/// attributes, and its operands, or its text for `LabeledElementReference`. A
/// `LabeledElement`'s value may be an attribute; it is kept among the attributes.
fn parse_other_expression<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Expression> {
    let mut expression = Expression {
        name: tag.local().to_owned(),
        pos: tag.pos,
        ..Expression::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        if key != "xmlns" && !key.starts_with("xmlns:") {
            expression
                .attributes
                .push((key.to_owned(), value.into_owned()));
        }
    }
    if expression.name == "LabeledElementReference" {
        expression.text = trimmed(cur.text(tag)?);
        return Ok(expression);
    }
    while let Some(child) = cur.next_child(tag)? {
        match child.local() {
            "Annotation" => expression.annotations.push(parse_annotation(cur, &child)?),
            _ => expression.operands.push(parse_expression(cur, &child)?),
        }
    }
    Ok(expression)
}

/// `text` without leading and trailing XML whitespace, reusing its allocation when
/// there is none.
fn trimmed(text: String) -> String {
    let trimmed = text.trim_matches(is_xml_space);
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csdl::Property;
    use crate::error::Error;
    use crate::parse::test_support::{doc, parse_err, parse_schema, pos};

    #[test]
    fn annotations_in_attribute_and_element_forms() {
        let schema = parse_schema(
            r#"      <EntityType Name="vppToken">
        <Property Name="token" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Description" String="The &quot;token&quot; &amp; more &#39;x&#x27;" />
          <Annotation Term="Org.OData.Core.V1.Computed" Bool="true" />
          <Annotation Term="Validation.Maximum" Qualifier="q1" Int="-42" />
          <Annotation Term="Core.Permissions" EnumMember="Core.Permission/Read" />
          <Annotation Term="Core.Link" Path="owner/id" />
          <Annotation Term="Validation.Minimum" Decimal="1.5" />
          <Annotation Term="Vendor.Unknown.Term" />
        </Property>
        <Property Name="other" Type="Edm.String">
          <Annotation Term="Core.LongDescription">
            <String>Line &lt;one&gt; &amp; <![CDATA[<raw> & ]]>two</String>
          </Annotation>
          <Annotation Term="Core.Immutable"><Bool> false </Bool></Annotation>
          <Annotation Term="Validation.Maximum"><Int>7</Int></Annotation>
          <Annotation Term="Core.Permissions"><EnumMember>
            Core.Permission/Read Core.Permission/Write
          </EnumMember></Annotation>
          <Annotation Term="Core.Link"><Path>owner</Path></Annotation>
          <Annotation Term="Capabilities.NavigationRestrictions">
            <Annotation Term="Core.Description" String="about the annotation" />
            <Record>
              <PropertyValue Property="Referenceable" Bool="true" />
              <String>not the value</String>
            </Record>
          </Annotation>
          <Annotation Term="Capabilities.Items"><Collection><String>a</String></Collection></Annotation>
          <Annotation Term="Core.Empty"></Annotation>
          <Annotation Term="Core.EmptyString"><String/></Annotation>
        </Property>
      </EntityType>
"#,
        );
        let ty = &schema.entity_types[0];
        let values = |property: &Property| -> Vec<(String, Option<String>, AnnotationValue)> {
            property
                .annotations
                .iter()
                .map(|a| (a.term.clone(), a.qualifier.clone(), a.value.clone()))
                .collect()
        };
        let t = |term: &str, value: AnnotationValue| (term.to_owned(), None, value);
        assert_eq!(
            values(&ty.properties[0]),
            [
                t(
                    "Org.OData.Core.V1.Description",
                    AnnotationValue::String("The \"token\" & more 'x'".into())
                ),
                t("Org.OData.Core.V1.Computed", AnnotationValue::Bool(true)),
                (
                    "Validation.Maximum".to_owned(),
                    Some("q1".to_owned()),
                    AnnotationValue::Int(-42)
                ),
                t(
                    "Core.Permissions",
                    AnnotationValue::EnumMember("Core.Permission/Read".into())
                ),
                t("Core.Link", AnnotationValue::Path("owner/id".into())),
                t("Validation.Minimum", AnnotationValue::Decimal("1.5".into())),
                t("Vendor.Unknown.Term", AnnotationValue::Empty),
            ]
        );
        assert_eq!(
            values(&ty.properties[1]),
            [
                t(
                    "Core.LongDescription",
                    AnnotationValue::String("Line <one> & <raw> & two".into())
                ),
                t("Core.Immutable", AnnotationValue::Bool(false)),
                t("Validation.Maximum", AnnotationValue::Int(7)),
                t(
                    "Core.Permissions",
                    AnnotationValue::EnumMember(
                        "Core.Permission/Read Core.Permission/Write".into()
                    )
                ),
                t("Core.Link", AnnotationValue::Path("owner".into())),
                t(
                    "Capabilities.NavigationRestrictions",
                    AnnotationValue::Record(Record {
                        type_name: None,
                        properties: vec![PropertyValue {
                            property: "Referenceable".into(),
                            value: AnnotationValue::Bool(true),
                            annotations: Vec::new(),
                            pos: pos(28, 15),
                        }],
                        annotations: Vec::new(),
                        pos: pos(27, 13),
                    })
                ),
                t(
                    "Capabilities.Items",
                    AnnotationValue::Collection(vec![AnnotationValue::String("a".into())])
                ),
                t("Core.Empty", AnnotationValue::Empty),
                t("Core.EmptyString", AnnotationValue::String(String::new())),
            ]
        );
        // The `<String>` inside the record is not a `PropertyValue`: skipped. The annotation
        // of the annotation is kept.
        let restrictions = &ty.properties[1].annotations[5];
        assert_eq!(
            restrictions.annotations,
            [Annotation {
                term: "Core.Description".into(),
                qualifier: None,
                value: AnnotationValue::String("about the annotation".into()),
                annotations: Vec::new(),
                pos: pos(26, 13),
            }]
        );
        let positions: Vec<_> = ty.properties[1].annotations.iter().map(|a| a.pos).collect();
        assert_eq!(
            positions,
            [
                pos(16, 11),
                pos(19, 11),
                pos(20, 11),
                pos(21, 11),
                pos(24, 11),
                pos(25, 11),
                pos(32, 11),
                pos(33, 11),
                pos(34, 11),
            ]
        );
    }

    #[test]
    fn out_of_line_annotation_blocks() {
        let schema = parse_schema(
            r#"      <Annotations Target="microsoft.graph.vppToken/token">
        <Annotation Term="Org.OData.Core.V1.Description" String="Apple token" />
      </Annotations>
      <Annotations Target="microsoft.graph.revokeLicenses(microsoft.graph.vppToken, Edm.Boolean, Edm.Boolean)" Qualifier="v2">
        <Annotation Term="Org.OData.Core.V1.Revisions">
          <Collection>
            <Record><PropertyValue Property="Kind" EnumMember="Org.OData.Core.V1.RevisionKind/Deprecated" /></Record>
          </Collection>
        </Annotation>
        <Annotation Term="Org.OData.Core.V1.Description"><String>Revokes</String></Annotation>
      </Annotations>
"#,
        );
        assert_eq!(
            schema.annotations,
            [
                Annotations {
                    target: "microsoft.graph.vppToken/token".into(),
                    qualifier: None,
                    annotations: vec![Annotation {
                        term: "Org.OData.Core.V1.Description".into(),
                        qualifier: None,
                        value: AnnotationValue::String("Apple token".into()),
                        annotations: Vec::new(),
                        pos: pos(6, 9),
                    }],
                    pos: pos(5, 7),
                },
                Annotations {
                    target: "microsoft.graph.revokeLicenses(microsoft.graph.vppToken, Edm.Boolean, Edm.Boolean)".into(),
                    qualifier: Some("v2".into()),
                    annotations: vec![
                        Annotation {
                            term: "Org.OData.Core.V1.Revisions".into(),
                            qualifier: None,
                            value: AnnotationValue::Collection(vec![AnnotationValue::Record(
                                Record {
                                    type_name: None,
                                    properties: vec![PropertyValue {
                                        property: "Kind".into(),
                                        value: AnnotationValue::EnumMember(
                                            "Org.OData.Core.V1.RevisionKind/Deprecated".into()
                                        ),
                                        annotations: Vec::new(),
                                        pos: pos(11, 21),
                                    }],
                                    annotations: Vec::new(),
                                    pos: pos(11, 13),
                                }
                            )]),
                            annotations: Vec::new(),
                            pos: pos(9, 9),
                        },
                        Annotation {
                            term: "Org.OData.Core.V1.Description".into(),
                            qualifier: None,
                            value: AnnotationValue::String("Revokes".into()),
                            annotations: Vec::new(),
                            pos: pos(14, 9),
                        },
                    ],
                    pos: pos(8, 7),
                },
            ]
        );
    }

    /// The values of the annotations of the first property of a document whose body is
    /// `<ComplexType Name="c"><Property Name="p" Type="Edm.String">` on line 5, then
    /// `annotations`, then the closing tags.
    fn property_annotations(annotations: &str) -> Vec<Annotation> {
        let schema = parse_schema(&format!(
            "      <ComplexType Name=\"c\"><Property Name=\"p\" Type=\"Edm.String\">\n{annotations}      </Property></ComplexType>\n"
        ));
        schema.complex_types[0].properties[0].annotations.clone()
    }

    #[test]
    fn every_constant_reads_the_same_in_attribute_and_element_forms() {
        use AnnotationValue as V;
        let cases: &[(&str, &str, &str, AnnotationValue)] = &[
            // (expression, attribute text, element text, value)
            ("String", " a  b ", " a  b ", V::String(" a  b ".into())),
            ("String", "", "", V::String(String::new())),
            ("Bool", "true", " true ", V::Bool(true)),
            ("Bool", "0", "\n  0\n", V::Bool(false)),
            ("Int", "-7", "\n  -7\n", V::Int(-7)),
            (
                "Int",
                "9223372036854775807",
                "9223372036854775807",
                V::Int(i64::MAX),
            ),
            ("Float", "1.5e3", " 1.5e3 ", V::Float("1.5e3".into())),
            ("Float", "INF", "INF", V::Float("INF".into())),
            (
                "Decimal",
                "12345678901234567890123456789.50",
                " 12345678901234567890123456789.50",
                V::Decimal("12345678901234567890123456789.50".into()),
            ),
            (
                "Date",
                "2000-01-01",
                "2000-01-01 ",
                V::Date("2000-01-01".into()),
            ),
            (
                "DateTimeOffset",
                "2016-12-31T23:57:57.2481234-08:00",
                " 2016-12-31T23:57:57.2481234-08:00 ",
                V::DateTimeOffset("2016-12-31T23:57:57.2481234-08:00".into()),
            ),
            (
                "TimeOfDay",
                "23:59:59.999",
                "23:59:59.999",
                V::TimeOfDay("23:59:59.999".into()),
            ),
            (
                "Duration",
                "P7DT1H",
                " P7DT1H",
                V::Duration("P7DT1H".into()),
            ),
            (
                "Guid",
                "21EC2020-3AEA-1069-A2DD-08002B30309D",
                "21EC2020-3AEA-1069-A2DD-08002B30309D",
                V::Guid("21EC2020-3AEA-1069-A2DD-08002B30309D".into()),
            ),
            (
                "Binary",
                "T0RhdGE",
                " T0RhdGE ",
                V::Binary("T0RhdGE".into()),
            ),
            (
                "EnumMember",
                "Core.Permission/Read Core.Permission/Write",
                "\n  Core.Permission/Read Core.Permission/Write\n",
                V::EnumMember("Core.Permission/Read Core.Permission/Write".into()),
            ),
            ("Path", "owner/id", " owner/id ", V::Path("owner/id".into())),
            (
                "PropertyPath",
                "uniqueName",
                "uniqueName",
                V::PropertyPath("uniqueName".into()),
            ),
            (
                "NavigationPropertyPath",
                "calendarView",
                " calendarView ",
                V::NavigationPropertyPath("calendarView".into()),
            ),
            (
                "AnnotationPath",
                "@UI.LineItem",
                "@UI.LineItem",
                V::AnnotationPath("@UI.LineItem".into()),
            ),
            (
                "ModelElementPath",
                "ex.thing/p",
                "ex.thing/p",
                V::ModelElementPath("ex.thing/p".into()),
            ),
        ];
        for (name, attribute, element, expected) in cases {
            let annotations = property_annotations(&format!(
                "<Annotation Term=\"T\" {name}=\"{attribute}\" />\n<Annotation Term=\"T\"><{name}>{element}</{name}></Annotation>\n"
            ));
            let values: Vec<_> = annotations.iter().map(|a| &a.value).collect();
            assert_eq!(values, [expected, expected], "{name}");
        }
        // `UrlRef` holds an expression; its attribute form is a string.
        let annotations = property_annotations(
            "<Annotation Term=\"T\" UrlRef=\"https://example.test/a\" />\n\
             <Annotation Term=\"T\"><UrlRef><String>https://example.test/a</String></UrlRef></Annotation>\n\
             <Annotation Term=\"T\"><UrlRef><Apply Function=\"odata.concat\"><String>x</String></Apply></UrlRef></Annotation>\n\
             <Annotation Term=\"T\"><Null/></Annotation>\n",
        );
        let url = V::UrlRef(Box::new(V::String("https://example.test/a".into())));
        assert_eq!(annotations[0].value, url);
        assert_eq!(annotations[1].value, url);
        let V::UrlRef(inner) = &annotations[2].value else {
            panic!("a UrlRef: {:?}", annotations[2].value);
        };
        assert!(matches!(&**inner, V::Expression(e) if e.name == "Apply"));
        assert_eq!(annotations[3].value, V::Null);
        // Record property values take the same forms.
        let annotations = property_annotations(
            "<Annotation Term=\"T\"><Record>\n\
             <PropertyValue Property=\"a\" Int=\"3\" />\n\
             <PropertyValue Property=\"a\"><Int> 3 </Int></PropertyValue>\n\
             </Record></Annotation>\n",
        );
        let record = annotations[0].value.as_record().unwrap();
        assert_eq!(record.properties[0].value, record.properties[1].value);
        assert_eq!(record.properties[0].value, V::Int(3));
    }

    #[test]
    fn records_collections_and_nested_annotations_are_kept_whole() {
        let annotations = property_annotations(
            r#"        <Annotation Term="Capabilities.NavigationRestrictions" Qualifier="q">
          <Annotation Term="Core.Description" String="on the annotation" />
          <Record Type="Capabilities.NavigationRestrictionsType">
            <Annotation Term="Core.Description" String="on the record" />
            <PropertyValue Property="Navigability" EnumMember="Capabilities.NavigationType/None" />
            <PropertyValue Property="RestrictedProperties">
              <Annotation Term="Core.Description" String="on the property value" />
              <Collection>
                <Record>
                  <PropertyValue Property="NavigationProperty">
                    <NavigationPropertyPath>calendarView</NavigationPropertyPath>
                  </PropertyValue>
                  <PropertyValue Property="ReadRestrictions">
                    <Record>
                      <PropertyValue Property="Readable" Bool="false" />
                      <PropertyValue Property="Permissions"><Collection /></PropertyValue>
                    </Record>
                  </PropertyValue>
                </Record>
                <String>second</String>
                <Collection><Int>1</Int><Int>2</Int></Collection>
              </Collection>
            </PropertyValue>
            <PropertyValue Property="Empty" />
          </Record>
        </Annotation>
        <Annotation Term="Validation.DerivedTypeConstraint">
          <Collection>
            <String>ex.b</String>
            <String>ex.a</String>
          </Collection>
        </Annotation>
        <Annotation Term="Core.Computed" />
"#,
        );
        use AnnotationValue as V;
        let description = |text: &str, at: Pos| Annotation {
            term: "Core.Description".into(),
            qualifier: None,
            value: V::String(text.into()),
            annotations: Vec::new(),
            pos: at,
        };
        let value = |property: &str, value: AnnotationValue, at: Pos| PropertyValue {
            property: property.into(),
            value,
            annotations: Vec::new(),
            pos: at,
        };
        let inner = Record {
            type_name: None,
            properties: vec![
                value(
                    "NavigationProperty",
                    V::NavigationPropertyPath("calendarView".into()),
                    pos(15, 19),
                ),
                value(
                    "ReadRestrictions",
                    V::Record(Record {
                        type_name: None,
                        properties: vec![
                            value("Readable", V::Bool(false), pos(20, 23)),
                            value("Permissions", V::Collection(Vec::new()), pos(21, 23)),
                        ],
                        annotations: Vec::new(),
                        pos: pos(19, 21),
                    }),
                    pos(18, 19),
                ),
            ],
            annotations: Vec::new(),
            pos: pos(14, 17),
        };
        let expected = Annotation {
            term: "Capabilities.NavigationRestrictions".into(),
            qualifier: Some("q".into()),
            value: V::Record(Record {
                type_name: Some("Capabilities.NavigationRestrictionsType".into()),
                properties: vec![
                    value(
                        "Navigability",
                        V::EnumMember("Capabilities.NavigationType/None".into()),
                        pos(10, 13),
                    ),
                    PropertyValue {
                        property: "RestrictedProperties".into(),
                        value: V::Collection(vec![
                            V::Record(inner),
                            V::String("second".into()),
                            V::Collection(vec![V::Int(1), V::Int(2)]),
                        ]),
                        annotations: vec![description("on the property value", pos(12, 15))],
                        pos: pos(11, 13),
                    },
                    value("Empty", V::Empty, pos(29, 13)),
                ],
                annotations: vec![description("on the record", pos(9, 13))],
                pos: pos(8, 11),
            }),
            annotations: vec![description("on the annotation", pos(7, 11))],
            pos: pos(6, 9),
        };
        assert_eq!(annotations[0], expected);
        // The read helpers.
        let restrictions = &annotations[0].value;
        assert_eq!(
            restrictions
                .record_property("Navigability")
                .and_then(|v| v.enum_members())
                .map(Iterator::collect::<Vec<_>>),
            Some(vec!["Capabilities.NavigationType/None"])
        );
        let restricted = restrictions
            .record_property("RestrictedProperties")
            .and_then(V::as_collection)
            .unwrap();
        assert_eq!(restricted.len(), 3);
        assert_eq!(
            restricted[0]
                .record_property("ReadRestrictions")
                .and_then(|r| r.record_property("Readable"))
                .and_then(V::as_bool),
            Some(false)
        );
        assert_eq!(
            restricted[0]
                .record_property("NavigationProperty")
                .and_then(V::as_path),
            Some("calendarView")
        );
        assert_eq!(restrictions.record_property("Nope"), None);
        assert_eq!(restricted[1].as_str(), Some("second"));
        assert_eq!(
            restricted[2]
                .as_collection()
                .map(|c| c.iter().filter_map(V::as_int).sum::<i64>()),
            Some(3)
        );
        assert_eq!(
            annotations[1].value.strings(),
            Some(vec!["ex.b", "ex.a"]),
            "collection order is kept"
        );
        assert_eq!(V::Collection(vec![V::Int(1)]).strings(), None);
        assert_eq!(annotations[2].value, V::Empty);
        assert_eq!(
            annotations[2].value.as_bool(),
            Some(true),
            "a bare Boolean term means true"
        );
        assert_eq!(V::String("true".into()).as_bool(), None);
    }

    #[test]
    fn dynamic_expressions_are_kept_as_written() {
        let annotations = property_annotations(
            r#"        <Annotation Term="T">
          <If>
            <Eq><Path>kind</Path><EnumMember>ex.kind/a</EnumMember></Eq>
            <Apply Function="odata.concat" xmlns:x="urn:x"><String>a</String><Path>b</Path></Apply>
            <Cast Type="Edm.String"><Null /></Cast>
          </If>
        </Annotation>
        <Annotation Term="T"><LabeledElementReference> ex.label </LabeledElementReference></Annotation>
        <Annotation Term="T"><LabeledElement Name="label" String="x" /></Annotation>
"#,
        );
        use AnnotationValue as V;
        let other = |value: &AnnotationValue| -> Expression {
            match value {
                V::Expression(expression) => expression.clone(),
                other => panic!("an expression: {other:?}"),
            }
        };
        let condition = other(&annotations[0].value);
        assert_eq!((condition.name.as_str(), condition.pos), ("If", pos(7, 11)));
        let operands: Vec<_> = condition.operands.iter().map(other).collect();
        assert_eq!(operands[0].name, "Eq");
        assert_eq!(
            operands[0].operands,
            [V::Path("kind".into()), V::EnumMember("ex.kind/a".into())]
        );
        assert_eq!(operands[1].name, "Apply");
        assert_eq!(
            operands[1].attributes,
            [("Function".to_owned(), "odata.concat".to_owned())]
        );
        assert_eq!(
            operands[1].operands,
            [V::String("a".into()), V::Path("b".into())]
        );
        assert_eq!(
            operands[2].attributes,
            [("Type".to_owned(), "Edm.String".to_owned())]
        );
        assert_eq!(operands[2].operands, [V::Null]);
        let reference = other(&annotations[1].value);
        assert_eq!(
            (reference.name.as_str(), reference.text.as_str()),
            ("LabeledElementReference", "ex.label")
        );
        let labeled = other(&annotations[2].value);
        assert_eq!(
            labeled.attributes,
            [
                ("Name".to_owned(), "label".to_owned()),
                ("String".to_owned(), "x".to_owned())
            ]
        );
    }

    #[test]
    fn two_values_are_csdl_errors_at_the_element() {
        // Line 5 holds the property; the payload starts on line 6.
        let cases = [
            (
                "<Annotation Term=\"T\" Bool=\"true\"><String>x</String></Annotation>",
                "file.xml:6:1: <Annotation>: two values, attribute `Bool` and element `<String>` at 6:34: write only one",
            ),
            (
                "<Annotation Term=\"T\">\n  <String>x</String>\n  <Collection/>\n</Annotation>",
                "file.xml:6:1: <Annotation>: two values, element `<String>` at 7:3 and element `<Collection>` at 8:3: write only one",
            ),
            (
                "<Annotation Term=\"T\" String=\"x\" Int=\"1\" />",
                "file.xml:6:1: <Annotation>: two values, attribute `String` and attribute `Int`: write only one",
            ),
            (
                "<Annotation Term=\"T\"><Record>\n  <PropertyValue Property=\"p\" Bool=\"true\"><Bool>true</Bool></PropertyValue>\n</Record></Annotation>",
                "file.xml:7:3: <PropertyValue>: two values, attribute `Bool` and element `<Bool>` at 7:43: write only one",
            ),
            (
                "<Annotation Term=\"T\"><Record><PropertyValue Property=\"p\" Int=\"1.5\" /></Record></Annotation>",
                "file.xml:6:30: <PropertyValue>: attribute `Int` must be an integer, not `1.5`",
            ),
            (
                "<Annotation Term=\"T\"><Collection>\n  <Int>9223372036854775808</Int>\n</Collection></Annotation>",
                "file.xml:7:3: <Int>: the content must be an integer, not `9223372036854775808`",
            ),
            (
                "<Annotation Term=\"T\"><Record><PropertyValue Bool=\"true\" /></Record></Annotation>",
                "file.xml:6:30: <PropertyValue>: missing required attribute `Property`",
            ),
            (
                "<Annotation Term=\"T\"><If><Bool>maybe</Bool></If></Annotation>",
                "file.xml:6:26: <Bool>: the content must be `true` or `false`, not `maybe`",
            ),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter_map(|(payload, expected)| {
                let text = doc(&format!(
                    "      <ComplexType Name=\"c\"><Property Name=\"p\" Type=\"Edm.String\">\n{payload}\n      </Property></ComplexType>\n"
                ));
                let error = parse_err(&text).to_string();
                (error != *expected).then(|| format!("{payload}\n  got {error}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn deeply_nested_expressions_are_refused_not_overflowing() {
        let depth = 5000;
        let payload = format!(
            "<Annotation Term=\"T\">{}{}</Annotation>",
            "<Collection>".repeat(depth),
            "</Collection>".repeat(depth)
        );
        let text = doc(&format!(
            "      <ComplexType Name=\"c\"><Property Name=\"p\" Type=\"Edm.String\">\n{payload}\n      </Property></ComplexType>\n"
        ));
        let error = parse_err(&text);
        let Error::Csdl {
            element, message, ..
        } = &error
        else {
            panic!("a CSDL error: {error:?}");
        };
        assert_eq!(element, "Collection");
        assert_eq!(
            message,
            "an expression more than 128 elements deep in the document"
        );
    }
}
