// `stream` on a list needs the feature `client`, which is off.
use graph_vpptoken::v1_0;

fn main() {
    let _all = v1_0::device_app_management().vpp_tokens().list().stream();
}
