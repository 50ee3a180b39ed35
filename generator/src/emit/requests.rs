//! `requests.rs`: request builders (in the version's module), and the update bodies,
//! `$select` names, operation parameters and request types of one namespace module.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{debug_and_serialize, map_deserialize, secret_names_path};
use super::{Cx, Parts, Render, doc, doc_line, ident, runtime_use, rust_type};
use crate::error::Result;
use crate::ir::{self, Literal, Method, RustType};
use crate::lower::ROOT_BUILDER;

/// The `requests.rs` of the module `path`.
pub(super) fn file<'a>(module: &'a ir::Module, path: &'a [String]) -> Result<Parts<'a>> {
    let cx = Cx { module: path };
    let rt = runtime_use(module)?;
    let here = path.is_empty();
    let mut items: Vec<Render<'a>> = Vec::new();
    for b in module.builders.iter().filter(|_| here) {
        items.push(Box::new(move || builder(module, b, cx)));
    }
    for o in module.operations.iter().filter(|o| o.module == path) {
        items.push(Box::new(move || operation_alias(o, cx)));
    }
    for p in module.patches.iter().filter(|p| p.module == path) {
        items.push(Box::new(move || patch(p, cx)));
    }
    for s in module.selects.iter().filter(|s| s.module == path) {
        items.push(Box::new(move || select(s)));
    }
    for p in module.parameters.iter().filter(|p| p.module == path) {
        items.push(Box::new(move || parameters(p, cx)));
    }
    let roots = module
        .builders
        .iter()
        .filter(|b| here && b.name == ROOT_BUILDER)
        .flat_map(|b| &b.methods)
        .filter_map(|m| match m {
            Method::Segment { name, doc: d, target, .. } => {
                let name = ident(name);
                let target = ident(target);
                let root = ident(ROOT_BUILDER);
                let d = doc(d);
                let see = doc_line(&format!(" Starts at the default service root; see [`{ROOT_BUILDER}::with_service_root`] for another."));
                Some(quote! {
                    #d
                    ///
                    #see
                    pub fn #name() -> #target {
                        #root::new().#name()
                    }
                })
            }
            _ => None,
        });
    Ok(Parts {
        header: quote! {
            //! The request side: request builders that mirror the URL, update bodies, `$select` names and
            //! operation parameters.
            #rt
            #[allow(unused_imports)]
            use super::models::*;
            #(#roots)*
        },
        items,
    })
}

fn patch(p: &ir::Patch, cx: Cx) -> TokenStream {
    let name = ident(&p.name);
    let docs = doc(&p.doc);
    let field_decls = p.fields.iter().map(|f| {
        let name = ident(&f.name);
        let ty = rust_type(&f.ty, cx);
        let mut d = f.doc.clone();
        d.push(String::new());
        d.push(if f.nullable {
            format!(" Wire name `{}`; nullable: can be set to `null`.", f.wire)
        } else {
            format!(" Wire name `{}`; not nullable.", f.wire)
        });
        let d = doc(&d);
        if f.nullable {
            quote! { #d pub #name: rt::Patch<#ty>, }
        } else {
            quote! { #d pub #name: ::core::option::Option<#ty>, }
        }
    });
    let setters = p.fields.iter().filter_map(|f| Some((f, f.setter.as_ref()?))).map(|(f, s)| {
        let field = ident(&f.name);
        let setter = ident(&s.set);
        let ty = rust_type(&f.ty, cx);
        let set_doc = doc_line(&format!(" Sets `{}`.", f.wire));
        let (arg, value) = match f.ty {
            RustType::String => (
                quote!(impl ::core::convert::Into<::std::string::String>),
                quote!(value.into()),
            ),
            _ => (ty, quote!(value)),
        };
        let null = s.null.as_ref().map(|null| {
            let null = ident(null);
            let null_doc = doc_line(&format!(" Sets `{}` to `null`.", f.wire));
            quote! {
                #null_doc
                pub fn #null(mut self) -> Self {
                    self.#field = rt::Patch::Null;
                    self
                }
            }
        });
        let wrapped = if f.nullable { quote!(rt::Patch::Value(#value)) } else { quote!(Some(#value)) };
        quote! {
            #set_doc
            pub fn #setter(mut self, value: #arg) -> Self {
                self.#field = #wrapped;
                self
            }
            #null
        }
    });
    let impls = debug_and_serialize(&p.name, &p.fields, true, cx);
    let reads = p.fields.iter().map(|f| {
        let wire = &f.wire;
        let field = ident(&f.name);
        if f.nullable {
            quote! { #wire => rt::json::next_patch(&mut map, key, &mut value.#field)?, }
        } else {
            quote! { #wire => rt::json::next_not_null(&mut map, key, &mut value.#field)?, }
        }
    });
    let deserialize = map_deserialize(&name, &format!("an update of a {} object", p.qualified), quote! {
        let mut value = <#name as ::core::default::Default>::default();
        while let Some(key) = map.next_key::<rt::json::Key<'de>>()? {
            match key.as_str() {
                "@odata.type" => rt::json::next_property(&mut map, key, &mut value.odata_type, &mut value.additional)?,
                #(#reads)*
                _ => rt::json::next_unknown(&mut map, key, &mut value.additional)?,
            }
        }
        Ok(value)
    });
    quote! {
        #docs
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            /// The type annotation `@odata.type` to send, when wanted.
            pub odata_type: ::core::option::Option<::std::string::String>,
            #(#field_decls)*
            /// Further properties to send, for properties the metadata does not describe yet. A
            /// property set above wins over an entry of the same name here.
            pub additional: rt::json::Map,
        }

        impl #name {
            /// An empty update: nothing is sent until a property is set.
            pub fn new() -> Self {
                <Self as ::core::default::Default>::default()
            }

            /// Sets the type annotation `@odata.type`.
            pub fn odata_type(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.odata_type = Some(value.into());
                self
            }

            #(#setters)*
        }

        #impls

        #deserialize
    }
}

fn select(s: &ir::Select) -> TokenStream {
    let name = ident(&s.name);
    let docs = doc(&s.doc);
    let variants: Vec<_> = s.variants.iter().map(|v| ident(&v.name)).collect();
    let variant_docs = s.variants.iter().map(|v| doc(&v.doc));
    let wires: Vec<_> = s.variants.iter().map(|v| v.wire.as_str()).collect();
    quote! {
        #docs
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #( #variant_docs #variants, )*
        }

        impl #name {
            /// The property's name on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #( Self::#variants => #wires, )*
                }
            }
        }

        impl rt::ops::Selectable for #name {
            fn wire_name(self) -> &'static str {
                self.as_str()
            }
        }
    }
}

fn parameters(p: &ir::Parameters, cx: Cx) -> TokenStream {
    let name = ident(&p.name);
    let docs = doc(&p.doc);
    let decls = p.fields.iter().map(|f| {
        let name = ident(&f.name);
        let ty = rust_type(&f.ty, cx);
        let mut d = f.doc.clone();
        d.push(String::new());
        d.push(format!(
            " Wire name `{}`; {}.",
            f.wire,
            if f.nullable { "optional, left out when `None`" } else { "required" }
        ));
        let d = doc(&d);
        if f.nullable {
            quote! { #d pub #name: ::core::option::Option<#ty>, }
        } else {
            quote! { #d pub #name: #ty, }
        }
    });
    let serialize = p.fields.iter().map(|f| {
        let name = ident(&f.name);
        let wire = &f.wire;
        if f.nullable {
            quote! { if let Some(value) = &self.#name { map.serialize_entry(#wire, value)?; } }
        } else {
            quote! { map.serialize_entry(#wire, &self.#name)?; }
        }
    });
    let defaultable = p.fields.iter().all(|f| {
        f.nullable
            || matches!(
                f.ty,
                RustType::String
                    | RustType::Bool
                    | RustType::I8
                    | RustType::U8
                    | RustType::I16
                    | RustType::I32
                    | RustType::I64
                    | RustType::F32
                    | RustType::F64
                    | RustType::Vec(_)
            )
    });
    let derive_default = if defaultable { quote!(Default,) } else { quote!() };
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default PartialEq)]
        pub struct #name {
            #(#decls)*
        }

        impl rt::serde::Serialize for #name {
            fn serialize<__S: rt::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                use rt::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                #(#serialize)*
                map.end()
            }
        }
    }
}

fn returns(r: &ir::Returns, cx: Cx) -> TokenStream {
    match r {
        ir::Returns::Nothing => quote!(rt::ops::NoContent),
        ir::Returns::Single(t) => {
            let t = rust_type(t, cx);
            quote!(rt::ops::JsonOrEmpty<#t>)
        }
        ir::Returns::Collection(t) => {
            let t = rust_type(t, cx);
            quote!(rt::ops::Values<#t>)
        }
        ir::Returns::Value(t) => {
            let t = rust_type(t, cx);
            quote!(rt::ops::Value<#t>)
        }
    }
}

fn operation_alias(o: &ir::OperationAlias, cx: Cx) -> TokenStream {
    let name = ident(&o.name);
    let docs = doc(&o.doc);
    let expect = returns(&o.returns, cx);
    quote! {
        #docs
        pub type #name = rt::ops::Invoke<#expect>;
    }
}

fn builder(module: &ir::Module, b: &ir::Builder, cx: Cx) -> TokenStream {
    let name = ident(&b.name);
    let docs = doc(&b.doc);
    let methods = b.methods.iter().map(|m| method(m, cx));
    let root = if b.name == ROOT_BUILDER {
        let secrets = secret_names_path(cx);
        let base = &module.service_root;
        let version = &module.api_version;
        let base_doc = doc_line(&format!(" The default service root, `{base}`: the URL of this API version, under which every request path lies."));
        quote! {
            impl #name {
                #base_doc
                pub const DEFAULT_SERVICE_ROOT: &'static str = #base;

                /// The default service root, under its former name.
                #[deprecated(note = "renamed to `DEFAULT_SERVICE_ROOT`")]
                pub const DEFAULT_BASE_URL: &'static str = Self::DEFAULT_SERVICE_ROOT;

                /// The API version, as written in URLs.
                pub const API_VERSION: &'static str = #version;

                /// Requests under the default service root.
                pub fn new() -> Self {
                    Self::with_service_root(Self::DEFAULT_SERVICE_ROOT)
                }

                /// Requests under another service root: the URL of this API version on a national
                /// cloud or a test server, version included (`https://graph.microsoft.us/v1.0`);
                /// a trailing `/` is ignored.
                pub fn with_service_root(service_root: impl ::core::convert::Into<::std::sync::Arc<str>>) -> Self {
                    Self::from_path(rt::RequestPath::new(service_root))
                }

                /// Requests under another service root, under its former name.
                #[deprecated(note = "renamed to `with_service_root`; it takes the same URL, version included")]
                pub fn with_base_url(base_url: impl ::core::convert::Into<::std::sync::Arc<str>>) -> Self {
                    Self::with_service_root(base_url)
                }

                /// Requests under `path`, a service root (used by clients that carry their own
                /// settings in the path).
                pub fn from_path(path: rt::RequestPath) -> Self {
                    Self { path: path.with_secret_names(#secrets) }
                }
            }

            impl ::core::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    } else {
        quote!()
    };
    let template = &b.template;
    let template_doc = if template.is_empty() {
        " The URL template of these requests, relative to the service root: empty, this is the root.".to_owned()
    } else {
        format!(" The URL template of these requests, relative to the service root: `{template}`.")
    };
    let template_doc = doc_line(&template_doc);
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #name {
            path: rt::RequestPath,
        }

        #root

        impl #name {
            #template_doc
            pub const TEMPLATE: &'static str = #template;

            /// The request path so far.
            pub fn path(&self) -> &rt::RequestPath {
                &self.path
            }

            #(#methods)*
        }
    }
}

fn method(m: &Method, cx: Cx) -> TokenStream {
    match m {
        Method::Segment { name, doc: d, segment, target } => {
            let (name, target, d) = (ident(name), ident(target), doc(d));
            quote! {
                #d
                pub fn #name(&self) -> #target {
                    #target { path: self.path.segment(#segment) }
                }
            }
        }
        Method::Key { name, doc: d, target } => {
            let (name, target, d) = (ident(name), ident(target), doc(d));
            quote! {
                #d
                pub fn #name(&self, id: impl ::core::convert::AsRef<str>) -> #target {
                    #target { path: self.path.key(id.as_ref()) }
                }
            }
        }
        Method::List { doc: d, item, select } => {
            let (d, item, select) = (doc(d), rust_type(item, cx), cx.path(select));
            quote! {
                #d
                pub fn list(&self) -> rt::ops::List<#item, #select> {
                    rt::ops::List::new(self.path.clone().with_template(Self::TEMPLATE))
                }
            }
        }
        Method::Count { doc: d, template } => {
            let d = doc(d);
            quote! {
                #d
                pub fn count(&self) -> rt::ops::Count {
                    rt::ops::Count::new(self.path.segment("$count").with_template(#template))
                }
            }
        }
        Method::Create { doc: d, entity } => {
            let (d, entity) = (doc(d), rust_type(entity, cx));
            quote! {
                #d
                pub fn create(&self, entity: &#entity) -> rt::ops::Create<#entity> {
                    rt::ops::Create::new(self.path.clone().with_template(Self::TEMPLATE), entity)
                }
            }
        }
        Method::Get { doc: d, entity, select } => {
            let (d, entity, select) = (doc(d), rust_type(entity, cx), cx.path(select));
            quote! {
                #d
                pub fn get(&self) -> rt::ops::Get<#entity, #select> {
                    rt::ops::Get::new(self.path.clone().with_template(Self::TEMPLATE))
                }
            }
        }
        Method::Update { doc: d, entity, patch } => {
            let (d, entity, patch) = (doc(d), rust_type(entity, cx), cx.path(patch));
            quote! {
                #d
                pub fn update(&self, patch: &#patch) -> rt::ops::Update<#entity> {
                    rt::ops::Update::new(self.path.clone().with_template(Self::TEMPLATE), patch)
                }
            }
        }
        Method::Delete { doc: d } => {
            let d = doc(d);
            quote! {
                #d
                pub fn delete(&self) -> rt::ops::Delete {
                    rt::ops::Delete::new(self.path.clone().with_template(Self::TEMPLATE))
                }
            }
        }
        Method::Action {
            name,
            doc: d,
            segment,
            template,
            operation,
            parameters,
        } => {
            let (name, d, operation) = (ident(name), doc(d), cx.path(operation));
            match parameters {
                Some(p) => {
                    let p = cx.path(p);
                    quote! {
                        #d
                        pub fn #name(&self, parameters: &#p) -> #operation {
                            rt::ops::Invoke::action(
                                self.path.segment(#segment).with_template(#template),
                                Some(rt::JsonBody::new(parameters)),
                            )
                        }
                    }
                }
                None => quote! {
                    #d
                    pub fn #name(&self) -> #operation {
                        rt::ops::Invoke::action(self.path.segment(#segment).with_template(#template), None)
                    }
                },
            }
        }
        Method::Function {
            name,
            doc: d,
            segment,
            template,
            operation,
            arguments,
        } => {
            let (name, d, operation) = (ident(name), doc(d), cx.path(operation));
            let params = arguments.iter().map(|a| {
                let n = ident(&a.name);
                let t = argument_type(&a.ty, cx);
                quote!(#n: #t)
            });
            let args = arguments.iter().map(|a| {
                let wire = &a.wire;
                let literal = literal(a);
                quote!((#wire, #literal))
            });
            quote! {
                #d
                pub fn #name(&self, #(#params),*) -> #operation {
                    rt::ops::Invoke::function(self.path.function(#segment, &[#(#args),*]).with_template(#template))
                }
            }
        }
    }
}

/// How a function argument is taken: small copyable values by value, text as `&str`, the
/// rest by reference.
fn argument_type(t: &RustType, cx: Cx) -> TokenStream {
    match t {
        RustType::String => quote!(&str),
        RustType::Bool
        | RustType::I8
        | RustType::U8
        | RustType::I16
        | RustType::I32
        | RustType::I64
        | RustType::F32
        | RustType::F64 => rust_type(t, cx),
        _ => {
            let t = rust_type(t, cx);
            quote!(&#t)
        }
    }
}

/// The expression that writes an argument as a URL literal.
fn literal(a: &ir::Argument) -> TokenStream {
    let n = ident(&a.name);
    match (&a.literal, &a.ty) {
        (Literal::String, _) => quote!(rt::literal::string(#n)),
        (Literal::Bare, RustType::F64) => quote!(rt::literal::float(#n)),
        (Literal::Bare, RustType::F32) => quote!(rt::literal::float32(#n)),
        (Literal::Bare, _) => quote!(rt::literal::bare(#n)),
        (Literal::Duration, _) => quote!(rt::literal::duration(#n)),
        (Literal::Binary, _) => quote!(rt::literal::binary(#n)),
        (Literal::Enum(q), RustType::Flags(_)) => quote!(rt::literal::flags(#q, #n)),
        (Literal::Enum(q), _) => quote!(rt::literal::enum_member(#q, #n)),
        (Literal::Json, _) => quote!(rt::literal::json(#n)),
    }
}
