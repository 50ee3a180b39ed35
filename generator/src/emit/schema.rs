//! `schema.rs`: the metadata of the version's types, as data.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Cx, runtime_use};
use crate::error::Result;
use crate::ir::{self, ItemRef, RustType};

/// The `schema.rs` of the version's module.
pub(super) fn file(module: &ir::Module) -> Result<TokenStream> {
    let cx = Cx { module: &[] };
    let rt = runtime_use(module)?;
    let version = &module.api_version;
    let types = module.structs.iter().map(|s| {
        let path = cx.path(&ItemRef::new(&s.module, s.name.clone()));
        let (csdl, qualified) = (&s.csdl_name, &s.qualified);
        let base = match &s.base {
            Some(b) => quote!(Some(#b)),
            None => quote!(None),
        };
        let properties = s.fields.iter().map(|f| {
            let (wire, ty) = (&f.wire, &f.csdl_type);
            let collection = matches!(f.ty.unboxed(), RustType::Vec(_));
            quote!(rt::schema::PropertyInfo { name: #wire, ty: #ty, collection: #collection })
        });
        quote! {
            rt::schema::TypeInfo {
                name: #csdl,
                qualified: #qualified,
                base: #base,
                properties: &[#(#properties),*],
                round_trip: rt::schema::round_trip::<#path>,
            }
        }
    });
    let enums = module.enums.iter().map(|e| {
        let qualified = &e.qualified;
        let name = qualified.rsplit_once('.').map_or(qualified.as_str(), |(_, n)| n);
        let members = e.variants.iter().map(|v| v.wire.as_str());
        let flags = e.flags;
        quote!(rt::schema::EnumInfo { name: #name, qualified: #qualified, members: &[#(#members),*], flags: #flags })
    });
    Ok(quote! {
        //! The metadata of this version's types, as data (see [`rt::schema`]).
        #rt
        #[allow(unused_imports)]
        use super::models::*;

        /// Every entity, complex and enum type of this version, with its properties and members.
        pub static SCHEMA: rt::schema::Schema = rt::schema::Schema {
            api_version: #version,
            types: &[#(#types),*],
            enums: &[#(#enums),*],
        };
    })
}
