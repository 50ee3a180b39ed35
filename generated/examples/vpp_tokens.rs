//! Lists the tenant's Apple VPP tokens, sets the country or region of the first one and
//! synchronizes its licenses with Apple, using the v1.0 API.
//!
//! ```text
//! cargo run -p graph-vpptoken --features client --example vpp_tokens -- \
//!     --token "$GRAPH_TOKEN" [--endpoint https://graph.microsoft.com] [--country us]
//! ```
//!
//! The token needs the `DeviceManagementServiceConfig.ReadWrite.All` permission.

use std::process::ExitCode;

use graph_vpptoken::client::Client;
use graph_vpptoken::v1_0::{VppToken, VppTokenPatch};

/// The command-line options.
struct Args {
    endpoint: String,
    token: String,
    country: String,
}

const USAGE: &str =
    "usage: vpp_tokens --token TOKEN [--endpoint URL] [--country COUNTRY_OR_REGION]";

fn parse_args() -> Result<Args, String> {
    let mut endpoint = graph_vpptoken::client::DEFAULT_ENDPOINT.to_owned();
    let mut token = None;
    let mut country = "us".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            // `--base-url` is the former name of `--endpoint`.
            "--endpoint" | "--base-url" => endpoint = value()?,
            "--token" => token = Some(value()?),
            "--country" => country = value()?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let token = token.ok_or("--token is required")?;
    Ok(Args {
        endpoint,
        token,
        country,
    })
}

fn describe(token: &VppToken) -> String {
    format!(
        "{} ({}, {}, expires {})",
        token.id.as_deref().unwrap_or("?"),
        token
            .organization_name
            .as_deref()
            .unwrap_or("no organization"),
        token.state.as_ref().map_or("unknown state", |s| s.as_str()),
        token
            .expiration_date_time
            .as_ref()
            .map_or_else(|| "?".to_owned(), ToString::to_string),
    )
}

async fn run(args: Args) -> Result<(), graph_vpptoken::client::Error> {
    let client = Client::builder()
        .endpoint(args.endpoint)
        .bearer_token(args.token)
        .build()?;
    let vpp_tokens = client.v1_0().device_app_management().vpp_tokens();

    let all = vpp_tokens.list().stream().collect_all().await?;
    println!("listed {} VPP token(s)", all.len());
    for token in &all {
        println!("  {}", describe(token));
    }
    let Some(id) = all.iter().find_map(|t| t.id.clone()) else {
        println!("nothing to update");
        return Ok(());
    };

    let patch = VppTokenPatch::new().country_or_region(args.country.as_str());
    let updated = vpp_tokens.by_id(&id).update(&patch).send().await?;
    let now = updated
        .and_then(|t| t.country_or_region)
        .unwrap_or_else(|| args.country.clone());
    println!("updated {id}: countryOrRegion = {now}");

    let synced = vpp_tokens.by_id(&id).sync_licenses().send().await?;
    let status = synced
        .as_ref()
        .and_then(|t| t.last_sync_status.as_ref())
        .map_or("not reported", |s| s.as_str());
    println!("synced the licenses of {id}: last sync status {status}");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The error, then its causes (each error's `Display` says its own part only).
            eprintln!("error: {error}");
            let mut cause = std::error::Error::source(&error);
            while let Some(error) = cause {
                eprintln!("  caused by: {error}");
                cause = error.source();
            }
            ExitCode::FAILURE
        }
    }
}
