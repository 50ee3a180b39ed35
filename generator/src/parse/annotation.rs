//! Annotations: `Annotation` elements with their values, and out-of-line
//! `Annotations Target=".."` blocks.

use super::cursor::{Cursor, Tag};
use super::lexical::is_xml_space;
use crate::csdl::{Annotation, AnnotationValue, Annotations};
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
/// attribute (`String=".."`, `Bool=".."`, …) or as the first expression child
/// (`<String>..</String>`, `<Record>`, …). Annotations of the annotation are skipped.
pub(super) fn parse_annotation<'a>(cur: &mut Cursor<'a>, tag: &Tag<'a>) -> Result<Annotation> {
    let mut term = None;
    let mut annotation = Annotation {
        pos: tag.pos,
        ..Annotation::default()
    };
    for attr in cur.attributes(tag) {
        let (key, value) = cur.check(tag, attr)?;
        match key {
            "Term" => term = Some(value.into_owned()),
            "Qualifier" => annotation.qualifier = Some(value.into_owned()),
            "String" => annotation.value = AnnotationValue::String(value.into_owned()),
            "Bool" => annotation.value = AnnotationValue::Bool(cur.boolean(tag, key, &value)?),
            "Int" => annotation.value = AnnotationValue::Int(cur.integer(tag, key, &value)?),
            "EnumMember" => annotation.value = AnnotationValue::EnumMember(value.into_owned()),
            "Path" => annotation.value = AnnotationValue::Path(value.into_owned()),
            "Binary"
            | "Date"
            | "DateTimeOffset"
            | "Decimal"
            | "Duration"
            | "Float"
            | "Guid"
            | "TimeOfDay"
            | "AnnotationPath"
            | "ModelElementPath"
            | "NavigationPropertyPath"
            | "PropertyPath"
            | "UrlRef" => annotation.value = AnnotationValue::Other(key.to_owned()),
            _ => {}
        }
    }
    annotation.term = cur.required(tag, "Term", term)?;
    while let Some(child) = cur.next_child(tag)? {
        let local = child.local();
        if local == "Annotation" || annotation.value != AnnotationValue::Empty {
            cur.skip(&child)?;
            continue;
        }
        annotation.value = match local {
            "String" => AnnotationValue::String(cur.text(&child)?),
            "Bool" => {
                let text = cur.text(&child)?;
                AnnotationValue::Bool(cur.boolean(&child, "content", &text)?)
            }
            "Int" => {
                let text = cur.text(&child)?;
                AnnotationValue::Int(cur.integer(&child, "content", &text)?)
            }
            "EnumMember" => AnnotationValue::EnumMember(trimmed(cur.text(&child)?)),
            "Path" => AnnotationValue::Path(trimmed(cur.text(&child)?)),
            _ => {
                let other = AnnotationValue::Other(local.to_owned());
                cur.skip(&child)?;
                other
            }
        };
    }
    Ok(annotation)
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
    use crate::parse::test_support::{parse_schema, pos};

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
                t(
                    "Validation.Minimum",
                    AnnotationValue::Other("Decimal".into())
                ),
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
                    AnnotationValue::Other("Record".into())
                ),
                t(
                    "Capabilities.Items",
                    AnnotationValue::Other("Collection".into())
                ),
                t("Core.Empty", AnnotationValue::Empty),
                t("Core.EmptyString", AnnotationValue::String(String::new())),
            ]
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
                            value: AnnotationValue::Other("Collection".into()),
                            pos: pos(9, 9),
                        },
                        Annotation {
                            term: "Org.OData.Core.V1.Description".into(),
                            qualifier: None,
                            value: AnnotationValue::String("Revokes".into()),
                            pos: pos(14, 9),
                        },
                    ],
                    pos: pos(8, 7),
                },
            ]
        );
    }
}
