// The Microsoft Entra ID sign-in methods of `ClientBuilder` need the feature `azure-identity`,
// which is off. (The credential stands for one of the `azure_identity` crate.)
use std::sync::Arc;

use graph_vpptoken::client::{Client, Error};

fn credential() -> Arc<dyn std::any::Any> {
    Arc::new(())
}

fn main() -> Result<(), Error> {
    let mut builder = Client::builder();
    let _options = builder.azure_client_options()?;
    let _client = builder.credential(credential()).build()?;
    let _client = Client::builder()
        .scope("https://graph.microsoft.us/.default")
        .bearer_token("eyJ0eXAi")
        .build()?;
    Ok(())
}
