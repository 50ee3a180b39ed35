//! Signs in to Microsoft Entra ID with a credential of the `azure_identity` crate and lists
//! the tenant's Apple VPP tokens (v1.0 API).
//!
//! ```text
//! cargo run -p graph-vpptoken --features azure-identity --example azure_sign_in -- \
//!     KIND [--endpoint https://graph.microsoft.com]
//! ```
//!
//! KIND is one of:
//!
//! - `client-secret`: an app registration's secret, from `AZURE_TENANT_ID`,
//!   `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`;
//! - `managed-identity`: the managed identity of the Azure VM, App Service, Function or
//!   container this runs on (a user-assigned one if `AZURE_CLIENT_ID` is set);
//! - `workload-identity`: AKS workload identity, from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`
//!   and `AZURE_FEDERATED_TOKEN_FILE`;
//! - `azure-cli`: the account of `az login` (for development).
//!
//! The application or identity needs the `DeviceManagementServiceConfig.Read.All` Graph
//! application permission (or `.ReadWrite.All`). For a national cloud, pass its Graph endpoint
//! as `--endpoint` (such as `https://graph.microsoft.us`): the scope asked of the credential
//! follows it. The identity endpoint of the credential is set apart, with
//! `ClientOptions::cloud` or `AZURE_AUTHORITY_HOST`.

use std::process::ExitCode;
use std::sync::Arc;

use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::ClientOptions;
use azure_identity::{
    AzureCliCredential, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, ManagedIdentityCredential, ManagedIdentityCredentialOptions,
    UserAssignedId, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use graph_vpptoken::client::{Client, DEFAULT_ENDPOINT};

const USAGE: &str = "usage: azure_sign_in client-secret|managed-identity|workload-identity|azure-cli [--endpoint URL]";

/// The value of an environment variable the credential needs.
fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

/// The credential of `kind`, sending its requests with `client_options`.
fn credential(
    kind: &str,
    client_options: ClientOptions,
) -> Result<Arc<dyn TokenCredential>, String> {
    let azure = |e: azure_core::Error| e.to_string();
    Ok(match kind {
        "client-secret" => ClientSecretCredential::new(
            &var("AZURE_TENANT_ID")?,
            var("AZURE_CLIENT_ID")?,
            Secret::new(var("AZURE_CLIENT_SECRET")?),
            Some(ClientSecretCredentialOptions { client_options }),
        )
        .map_err(azure)?,
        "managed-identity" => {
            ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
                user_assigned_id: std::env::var("AZURE_CLIENT_ID")
                    .ok()
                    .map(UserAssignedId::ClientId),
                client_options,
            }))
            .map_err(azure)?
        }
        "workload-identity" => {
            WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                credential_options: ClientAssertionCredentialOptions { client_options },
                ..Default::default()
            }))
            .map_err(azure)?
        }
        // Runs `az account get-access-token`: no HTTP of its own.
        "azure-cli" => AzureCliCredential::new(None).map_err(azure)?,
        other => return Err(format!("unknown credential kind {other:?}\n{USAGE}")),
    })
}

async fn run(kind: &str, endpoint: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().endpoint(endpoint);
    // The credential's requests go over the client's own HTTP connections and TLS.
    let credential = credential(kind, builder.azure_client_options()?)?;
    let client = builder.credential(credential).build()?;
    let tokens = client
        .v1_0()
        .device_app_management()
        .vpp_tokens()
        .list()
        .stream()
        .collect_all()
        .await?;
    for token in &tokens {
        println!(
            "{}\t{}\t{:?}",
            token.id.as_deref().unwrap_or("-"),
            token.organization_name.as_deref().unwrap_or("-"),
            token.state
        );
    }
    println!("{} VPP token(s)", tokens.len());
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(kind) = args.next() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let endpoint = match (args.next().as_deref(), args.next()) {
        (None, _) => DEFAULT_ENDPOINT.to_owned(),
        (Some("--endpoint"), Some(url)) => url,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&kind, &endpoint).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The error, then its causes (each error's `Display` says its own part only).
            eprintln!("error: {e}");
            let mut cause = e.source();
            while let Some(error) = cause {
                eprintln!("  caused by: {error}");
                cause = error.source();
            }
            ExitCode::FAILURE
        }
    }
}
