// The key `id` cannot be changed: the update type has neither a setter nor a field for it.
use graph_vpptoken::v1_0::VppTokenPatch;

fn main() {
    let _patch = VppTokenPatch::new().id("9ceb2f92-2f92-9ceb-922f-eb9c922feb9c");
}
