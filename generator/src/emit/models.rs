//! `models.rs`: the enums, structs and polymorphic unions of one namespace module.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Cx, Parts, Render, doc, doc_line, ident, runtime_use, rust_type};
use crate::error::Result;
use crate::ir::{self, ItemRef, RustType};

/// The structs of a version by reference, for the unions' decoders.
pub(super) fn struct_index(module: &ir::Module) -> BTreeMap<ItemRef, &ir::Struct> {
    module
        .structs
        .iter()
        .map(|s| (ItemRef::new(&s.module, s.name.clone()), s))
        .collect()
}

/// The `models.rs` of the module `path`.
pub(super) fn file<'a>(
    module: &'a ir::Module,
    path: &'a [String],
    structs: &'a BTreeMap<ItemRef, &'a ir::Struct>,
) -> Result<Parts<'a>> {
    let cx = Cx { module: path };
    let rt = runtime_use(module)?;
    let secrets = if path.is_empty() { secret_names(module) } else { quote!() };
    let mut items: Vec<Render<'a>> = Vec::new();
    for e in module.enums.iter().filter(|e| e.module == path) {
        items.push(Box::new(move || enumeration(e)));
    }
    for s in module.structs.iter().filter(|s| s.module == path) {
        items.push(Box::new(move || structure(s, cx)));
    }
    for u in module.unions.iter().filter(|u| u.module == path) {
        items.push(Box::new(move || union(u, structs, cx)));
    }
    Ok(Parts {
        header: quote! {
            //! The model types: one per entity, complex and enum type of the closure.
            #rt
            #secrets
        },
        items,
    })
}

/// `SECRET_NAMES` (in the version's module): the wire names of the secret properties
/// (`secrets` in `codegen.toml`), which the runtime redacts in kept JSON and error responses.
fn secret_names(module: &ir::Module) -> TokenStream {
    let fields = module.structs.iter().flat_map(|s| &s.fields).chain(module.patches.iter().flat_map(|p| &p.fields));
    let names: std::collections::BTreeSet<&str> = fields.filter(|f| f.secret).map(|f| f.wire.as_str()).collect();
    let names = names.into_iter();
    quote! {
        /// The wire names of this version's secret properties: their values are redacted from
        /// `Debug` output (in `additional` too, in any letter case and at any depth) and from
        /// the errors of its requests.
        pub const SECRET_NAMES: &[&::core::primitive::str] = &[#(#names),*];
    }
}

/// The path of the version's `SECRET_NAMES` from `cx`.
pub(super) fn secret_names_path(cx: Cx) -> TokenStream {
    cx.path(&ItemRef::new(&[], SECRET_NAMES))
}

/// The name of the version's list of secret property names.
const SECRET_NAMES: &str = "SECRET_NAMES";

fn enumeration(e: &ir::Enum) -> TokenStream {
    let name = ident(&e.name);
    let docs = doc(&e.doc);
    let catch = ident(&e.catch_all);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let variant_docs = e.variants.iter().map(|v| doc(&v.doc));
    let wires: Vec<_> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    let catch_doc = " A member this crate does not know (the service is ahead of the metadata), kept with its text \
                     so that it is written back unchanged.";
    let catch_doc = doc_line(catch_doc);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #variants, )*
            #catch_doc
            #catch(rt::UnknownValue),
        }

        impl #name {
            /// The member's name, exactly as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::#catch(value) => value.as_str(),
                }
            }

            /// Reads a member from its wire name; a name this crate does not know is kept.
            pub fn from_wire(name: &str) -> Self {
                match name {
                    #( #wires => Self::#variants, )*
                    other => Self::#catch(rt::UnknownValue::new(other)),
                }
            }
        }

        impl rt::StringEnum for #name {
            fn from_wire(name: &str) -> Self {
                Self::from_wire(name)
            }

            fn as_str(&self) -> &str {
                Self::as_str(self)
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::convert::From<&str> for #name {
            fn from(name: &str) -> Self {
                Self::from_wire(name)
            }
        }

        impl rt::serde::Serialize for #name {
            fn serialize<__S: rt::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                rt::enums::serialize(self, serializer)
            }
        }

        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<__D: rt::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                rt::enums::deserialize(deserializer)
            }
        }
    }
}

/// `Debug` statements for the set fields of a struct whose fields are `Option`s (or, with
/// `patch`, `rt::Patch` for nullable ones).
fn debug_fields(fields: &[ir::Field], patch: bool) -> TokenStream {
    let lines = fields.iter().map(|f| {
        let name = ident(&f.name);
        let label = &f.name;
        let (binding, shown) = if f.secret {
            (quote!(_), quote!(&rt::json::Redacted))
        } else {
            (quote!(value), quote!(value))
        };
        if patch && f.nullable {
            quote! {
                match &self.#name {
                    rt::Patch::Unset => {}
                    rt::Patch::Null => { d.field(#label, &rt::Patch::<()>::Null); }
                    rt::Patch::Value(#binding) => { d.field(#label, #shown); }
                }
            }
        } else if f.secret {
            quote! { if self.#name.is_some() { d.field(#label, #shown); } }
        } else {
            quote! { if let Some(value) = &self.#name { d.field(#label, value); } }
        }
    });
    quote! { #(#lines)* }
}

/// The `Debug` (set fields only, secrets redacted) and `Serialize` (set fields, then
/// `additional` without the names already written) of a model struct or, with `patch`, of
/// an update body, whose nullable fields are `rt::Patch`.
pub(super) fn debug_and_serialize(name: &str, fields: &[ir::Field], patch: bool, cx: Cx) -> TokenStream {
    let type_name = ident(name);
    let secrets = secret_names_path(cx);
    let debug = debug_fields(fields, patch);
    let wires: Vec<_> = fields.iter().map(|f| f.wire.as_str()).collect();
    let entries = fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire;
        if patch && f.nullable {
            quote! {
                match &self.#field {
                    rt::Patch::Unset => {}
                    rt::Patch::Null => map.serialize_entry(#wire, &())?,
                    rt::Patch::Value(value) => map.serialize_entry(#wire, value)?,
                }
            }
        } else {
            quote! { if let Some(value) = &self.#field { map.serialize_entry(#wire, value)?; } }
        }
    });
    let is_set = fields.iter().map(|f| {
        let field = ident(&f.name);
        if patch && f.nullable { quote!(!self.#field.is_unset()) } else { quote!(self.#field.is_some()) }
    });
    quote! {
        impl ::core::fmt::Debug for #type_name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut d = f.debug_struct(#name);
                if let Some(value) = &self.odata_type { d.field("odata_type", value); }
                #debug
                if !self.additional.is_empty() { d.field("additional", &rt::redact::RedactedJson::new(&self.additional, #secrets)); }
                d.finish()
            }
        }

        impl rt::serde::Serialize for #type_name {
            fn serialize<__S: rt::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                use rt::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                if let Some(value) = &self.odata_type { map.serialize_entry("@odata.type", value)?; }
                #(#entries)*
                for (key, value) in &self.additional {
                    let shadowed = match key.as_str() {
                        "@odata.type" => self.odata_type.is_some(),
                        #( #wires => #is_set, )*
                        _ => false,
                    };
                    if !shadowed { map.serialize_entry(key, value)?; }
                }
                map.end()
            }
        }
    }
}

fn structure(s: &ir::Struct, cx: Cx) -> TokenStream {
    let name = ident(&s.name);
    let docs = doc(&s.doc);
    let field_names: Vec<_> = s.fields.iter().map(|f| ident(&f.name)).collect();
    let field_docs = s.fields.iter().map(|f| {
        let mut d = f.doc.clone();
        d.push(String::new());
        d.push(format!(" Wire name `{}`{}.", f.wire, if f.secret { "; a secret, redacted in `Debug`" } else { "" }));
        doc(&d)
    });
    let field_types = s.fields.iter().map(|f| rust_type(&f.ty, cx));
    let wires: Vec<_> = s.fields.iter().map(|f| f.wire.as_str()).collect();
    let impls = debug_and_serialize(&s.name, &s.fields, false, cx);
    let deserialize = map_deserialize(&name, &format!("a {} object", s.qualified), quote! {
        let mut value = <#name as ::core::default::Default>::default();
        while let Some(key) = map.next_key::<rt::json::Key<'de>>()? {
            match key.as_str() {
                "@odata.type" => rt::json::next_property(&mut map, key, &mut value.odata_type, &mut value.additional)?,
                #( #wires => rt::json::next_property(&mut map, key, &mut value.#field_names, &mut value.additional)?, )*
                _ => rt::json::next_unknown(&mut map, key, &mut value.additional)?,
            }
        }
        Ok(value)
    });
    let odata_type_doc = doc_line(&format!(" The type annotation `@odata.type`, such as `#{}`, when present.", s.qualified));
    let model = model_impl(&name, has_value_property(&s.fields));
    let setters = s.created.then(|| model_setters(s, cx));
    quote! {
        #docs
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            #odata_type_doc
            pub odata_type: ::core::option::Option<::std::string::String>,
            #( #field_docs pub #field_names: ::core::option::Option<#field_types>, )*
            /// Properties the metadata does not describe and instance annotations (`@odata.*`), plus explicit
            /// `null`s of known properties, kept so that they are written back.
            pub additional: rt::json::Map,
        }

        #setters

        #impls

        #deserialize

        #model
    }
}

/// `new` and a chained setter per property, for a type that is created through a selected
/// path: `VppToken::new().apple_id("…").token(…)` builds the body of a create.
fn model_setters(s: &ir::Struct, cx: Cx) -> TokenStream {
    let name_ident = ident(&s.name);
    let methods = s.fields.iter().filter_map(|f| Some((f, f.setter.as_ref()?))).map(|(f, setter)| {
        let field = ident(&f.name);
        let setter = ident(&setter.set);
        let set_doc = doc_line(&format!(" Sets `{}`.", f.wire));
        let (arg, value) = match f.ty {
            RustType::String => (quote!(impl ::core::convert::Into<::std::string::String>), quote!(value.into())),
            _ => (rust_type(&f.ty, cx), quote!(value)),
        };
        quote! {
            #set_doc
            pub fn #setter(mut self, value: #arg) -> Self {
                self.#field = ::core::option::Option::Some(#value);
                self
            }
        }
    });
    let new_doc = doc(&vec![
        " An empty value, to be filled with the setters below (one per property, named as its field)."
            .to_owned(),
        String::new(),
        " Values of this type are created with `POST` on a collection, so it has chained setters; a setter"
            .to_owned(),
        " stores `Some(value)` in its field and returns the value, and the fields stay public for reading"
            .to_owned(),
        " and for `..Default::default()`. Only the types created through a generated path have setters."
            .to_owned(),
    ]);
    quote! {
        impl #name_ident {
            #new_doc
            pub fn new() -> Self {
                <Self as ::core::default::Default>::default()
            }

            /// Sets the type annotation `@odata.type`.
            pub fn odata_type(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.odata_type = ::core::option::Option::Some(value.into());
                self
            }

            #(#methods)*
        }
    }
}

/// `impl rt::Model`: whether a single-value response may be unwrapped from `{"value": {…}}`
/// (only when the type has no property named `value`; see the runtime's `parse_single`).
fn model_impl(name: &proc_macro2::Ident, has_value_property: bool) -> TokenStream {
    if has_value_property {
        quote! {
            impl rt::Model for #name {
                const HAS_VALUE_PROPERTY: bool = true;
            }
        }
    } else {
        quote! { impl rt::Model for #name {} }
    }
}

/// Whether a struct has a property whose wire name is `value`.
fn has_value_property(fields: &[ir::Field]) -> bool {
    fields.iter().any(|f| f.wire == "value")
}

/// The variant's payload type: the struct, boxed if the union closes a cycle through it.
fn variant_type(v: &ir::UnionVariant, cx: Cx) -> TokenStream {
    let ty = cx.path(&v.ty);
    if v.boxed { quote!(::std::boxed::Box<#ty>) } else { ty }
}

/// Wraps a struct value as the variant's payload.
fn wrap(v: &ir::UnionVariant, value: TokenStream) -> TokenStream {
    if v.boxed { quote!(::std::boxed::Box::new(#value)) } else { value }
}

fn union(u: &ir::Union, structs: &BTreeMap<ItemRef, &ir::Struct>, cx: Cx) -> TokenStream {
    let name = ident(&u.name);
    let docs = doc(&u.doc);
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.name)).collect();
    let payloads: Vec<_> = u.variants.iter().map(|v| variant_type(v, cx)).collect();
    let structs_of: Vec<_> = u.variants.iter().map(|v| cx.path(&v.ty)).collect();
    let variant_docs = u.variants.iter().enumerate().map(|(i, v)| {
        let text = if i == 0 {
            format!(" A `{}`, or a derived type this crate does not know.", v.qualified)
        } else {
            format!(" A `{}`.", v.qualified)
        };
        doc_line(&text)
    });
    let base = &variants[0];
    let base_struct = &structs_of[0];
    let base_wrapped = wrap(&u.variants[0], quote!(value));
    let derived = &variants[1..];
    let derived_structs = &structs_of[1..];
    let derived_wrapped = u.variants[1..].iter().map(|v| wrap(v, quote!(value)));
    let derived_types: Vec<_> = u.variants[1..].iter().map(|v| format!("#{}", v.qualified)).collect();
    let deserialize = union_deserialize(u, structs, cx);
    let any_value_property = u.variants.iter().any(|v| structs.get(&v.ty).is_none_or(|s| has_value_property(&s.fields)));
    let model = model_impl(&name, any_value_property);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #( #variant_docs #variants(#payloads), )*
        }

        impl #name {
            /// The value's `@odata.type`, when present.
            pub fn odata_type(&self) -> ::core::option::Option<&str> {
                match self {
                    #( Self::#variants(value) => value.odata_type.as_deref(), )*
                }
            }
        }

        impl ::core::convert::From<#base_struct> for #name {
            fn from(value: #base_struct) -> Self {
                Self::#base(#base_wrapped)
            }
        }

        #(
            impl ::core::convert::From<#derived_structs> for #name {
                /// Wraps the value, setting its `@odata.type` if it has none, so that the service can tell its type.
                fn from(mut value: #derived_structs) -> Self {
                    if value.odata_type.is_none() {
                        value.odata_type = Some(#derived_types.to_owned());
                    }
                    Self::#derived(#derived_wrapped)
                }
            }
        )*

        impl rt::serde::Serialize for #name {
            /// A derived value is written with its `@odata.type` (added if it has none), so that the
            /// service can tell its type.
            fn serialize<__S: rt::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                match self {
                    Self::#base(value) => rt::serde::Serialize::serialize(value, serializer),
                    #(
                        Self::#derived(value) if value.odata_type.is_none() => {
                            let mut value = value.clone();
                            value.odata_type = Some(#derived_types.to_owned());
                            rt::serde::Serialize::serialize(&value, serializer)
                        }
                        Self::#derived(value) => rt::serde::Serialize::serialize(value, serializer),
                    )*
                }
            }
        }

        #deserialize

        #model
    }
}

/// Deserializes a polymorphic value in one pass: every property of every variant is read
/// as it comes (so `@odata.type` may stand anywhere), then the variant named by
/// `@odata.type` is built and the properties it does not have are kept in `additional`.
/// A property only some variants have is read as exact JSON text and decoded at the end, so
/// that a value of another variant keeps it whatever its JSON type.
/// Falls back to buffering the value when two variants give one property different types.
fn union_deserialize(u: &ir::Union, structs: &BTreeMap<ItemRef, &ir::Struct>, cx: Cx) -> TokenStream {
    let name = ident(&u.name);
    let members: Vec<&ir::Struct> = u.variants.iter().filter_map(|v| structs.get(&v.ty).copied()).collect();
    let mut all: Vec<&ir::Field> = Vec::new();
    let mut consistent = members.len() == u.variants.len();
    for f in members.iter().flat_map(|s| &s.fields) {
        match all.iter().find(|a| a.wire == f.wire) {
            Some(a) if a.ty != f.ty || a.name != f.name => consistent = false,
            Some(_) => {}
            None => all.push(f),
        }
    }
    if !consistent {
        return union_deserialize_buffered(u, cx);
    }
    let expecting = format!("a {} or a derived type", u.variants[0].qualified);
    let locals: Vec<_> = all.iter().map(|f| format_ident!("p_{}", f.name.trim_end_matches('_'))).collect();
    // A property that not every variant has is read as its exact text and decoded (or kept in
    // `additional`) once `@odata.type` has told the variant.
    let in_all = |f: &ir::Field| members.iter().all(|s| s.fields.iter().any(|x| x.wire == f.wire));
    let types: Vec<_> =
        all.iter().map(|f| if in_all(f) { rust_type(&f.ty, cx) } else { quote!(rt::json::RawJson) }).collect();
    let reads: Vec<_> =
        all.iter().map(|f| if in_all(f) { quote!(next_property) } else { quote!(next_deferred) }).collect();
    let wires: Vec<_> = all.iter().map(|f| f.wire.as_str()).collect();
    let build = |v: &ir::UnionVariant, s: &ir::Struct, ret: TokenStream| {
        let variant = ident(&v.name);
        let ty = cx.path(&v.ty);
        let (mine, others): (Vec<_>, Vec<_>) =
            all.iter().zip(&locals).partition(|(f, _)| s.fields.iter().any(|x| x.wire == f.wire));
        let fields = mine.iter().map(|(f, l)| {
            let field = ident(&f.name);
            if in_all(f) {
                quote!(#field: #l)
            } else {
                let wire = &f.wire;
                quote!(#field: rt::json::decode_deferred(#wire, #l).map_err(__A::Error::custom)?)
            }
        });
        let kept = others.iter().map(|(f, l)| {
            let wire = &f.wire;
            quote!(rt::json::keep_raw(&mut additional, #wire, #l);)
        });
        let value = wrap(v, quote!(#ty { odata_type, #(#fields,)* additional }));
        quote! {
            #(#kept)*
            #ret Ok(#name::#variant(#value))
        }
    };
    // `A::Error::custom` is needed only when some property is decoded late.
    let keeps = all.iter().any(|f| !in_all(f));
    let use_error = if keeps { quote!(use rt::serde::de::Error as _;) } else { quote!() };
    let base = build(&u.variants[0], members[0], quote!());
    let derived = u.variants[1..].iter().zip(&members[1..]).map(|(v, s)| {
        let qualified = &v.qualified;
        let body = build(v, s, quote!(return));
        quote! {
            if rt::json::odata_type_is(which, #qualified) {
                #body
            }
        }
    });
    map_deserialize(&name, &expecting, quote! {
        #use_error
        let mut odata_type: ::core::option::Option<::std::string::String> = None;
        let mut additional = rt::json::Map::new();
        #( let mut #locals: ::core::option::Option<#types> = None; )*
        while let Some(key) = map.next_key::<rt::json::Key<'de>>()? {
            match key.as_str() {
                "@odata.type" => rt::json::next_property(&mut map, key, &mut odata_type, &mut additional)?,
                #( #wires => rt::json::#reads(&mut map, key, &mut #locals, &mut additional)?, )*
                _ => rt::json::next_unknown(&mut map, key, &mut additional)?,
            }
        }
        let which = odata_type.as_deref().unwrap_or_default();
        #(#derived)*
        #base
    })
}

/// The `Deserialize` of a JSON object, read by a map visitor whose `visit_map` is `body`
/// (which reads `map` and returns the value).
pub(super) fn map_deserialize(name: &proc_macro2::Ident, expecting: &str, body: TokenStream) -> TokenStream {
    quote! {
        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<__D: rt::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> rt::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<__A: rt::serde::de::MapAccess<'de>>(self, mut map: __A) -> ::core::result::Result<#name, __A::Error> {
                        #body
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    }
}

/// Deserializes a polymorphic value by buffering it as JSON and choosing the variant by
/// `@odata.type` (used only when the one-pass form does not apply).
fn union_deserialize_buffered(u: &ir::Union, cx: Cx) -> TokenStream {
    let name = ident(&u.name);
    let build = |v: &ir::UnionVariant| {
        let variant = ident(&v.name);
        let ty = cx.path(&v.ty);
        let wrapped = if v.boxed {
            quote!(|value| Self::#variant(::std::boxed::Box::new(value)))
        } else {
            quote!(Self::#variant)
        };
        quote! {
            rt::serde_json::from_str::<#ty>(value.get()).map(#wrapped).map_err(__D::Error::custom)
        }
    };
    let base = build(&u.variants[0]);
    let derived = u.variants[1..].iter().map(|v| {
        let qualified = &v.qualified;
        let body = build(v);
        quote! {
            if rt::json::odata_type_is(odata_type, #qualified) {
                return #body;
            }
        }
    });
    quote! {
        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<__D: rt::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                use rt::serde::de::Error as _;
                let value = <rt::json::RawJson as rt::serde::Deserialize>::deserialize(deserializer)?;
                let odata_type = rt::json::odata_type_of(&value);
                let odata_type = odata_type.as_deref().unwrap_or_default();
                #(#derived)*
                #base
            }
        }
    }
}
