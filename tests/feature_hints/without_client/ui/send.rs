// `send` on a request value needs the feature `client`, which is off.
use graph_vpptoken::runtime::Collection;
use graph_vpptoken::v1_0::{self, VppToken};

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let tokens = v1_0::device_app_management().vpp_tokens();
    let page = tokens.list().top(10).send().await?;
    let _token = tokens.by_id("9ceb2f92").get().send().await?;
    let _synced = tokens.by_id("9ceb2f92").sync_licenses().send().await?;
    let page: Collection<VppToken> = page;
    if let Some(next) = page.next_page() {
        let _more = next.send().await?;
    }
    Ok(())
}

fn main() {
    let _ = run();
}
