use graph_vpptoken::client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN")?;
    let client = Client::builder().bearer_token(token).build()?;
    let tokens = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .stream()
        .collect_all()
        .await?;
    for token in tokens {
        println!("{:?} {:?}", token.id, token.state);
    }
    Ok(())
}
