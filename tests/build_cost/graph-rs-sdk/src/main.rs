use graph_rs_sdk::GraphClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN")?;
    let client = GraphClient::new(token);
    let response = client
        .device_app_management()
        .vpp_tokens()
        .list_vpp_tokens()
        .send()
        .await?;
    let body: serde_json::Value = response.json().await?;
    for token in body["value"].as_array().into_iter().flatten() {
        println!("{} {}", token["id"], token["state"]);
    }
    Ok(())
}
