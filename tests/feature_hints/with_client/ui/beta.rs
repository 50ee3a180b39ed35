// `Client::beta` needs the feature `beta`, which is off.
use graph_vpptoken::client::{Client, Error};

fn main() -> Result<(), Error> {
    let client = Client::new("eyJ0eXAi")?;
    let _tokens = client.beta().device_app_management().vpp_tokens();
    Ok(())
}
