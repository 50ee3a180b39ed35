// `Client::v1_0` needs the feature `v1_0`, which is off.
use graph_vpptoken::client::{Client, Error};

fn main() -> Result<(), Error> {
    let client = Client::new("eyJ0eXAi")?;
    let _tokens = client.v1_0().device_app_management().vpp_tokens();
    Ok(())
}
