// `state` is not nullable: its field is an `Option`, which cannot hold a `Patch::Null`.
use graph_vpptoken::beta::VppTokenPatch;
use graph_vpptoken::runtime::Patch;

fn main() {
    let mut patch = VppTokenPatch::new();
    patch.state = Patch::Null;
}
