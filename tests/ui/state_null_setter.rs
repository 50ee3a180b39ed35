// `state` is not nullable: the update type has no setter that sends `"state": null`.
use graph_vpptoken::beta::VppTokenPatch;

fn main() {
    let _patch = VppTokenPatch::new().state_null();
}
