//! Recursive types: a struct that holds itself by value (directly, through other structs or
//! through a union) would have no size. Every by-value field, plain or `Option`, and every
//! union variant whose type lies in the same strongly connected component of the by-value
//! containment graph as its owner is boxed; nothing is boxed through a `Vec`. Components
//! are sets, so the result does not depend on any order.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{self, ItemRef, RustType};

/// Boxes the fields and union variants that close a cycle of by-value containment.
pub(super) fn box_cycles(module: &mut ir::Module) {
    let mut edges: BTreeMap<ItemRef, BTreeSet<ItemRef>> = BTreeMap::new();
    for s in &module.structs {
        let from = ItemRef::new(&s.module, s.name.clone());
        let targets = edges.entry(from).or_default();
        for f in &s.fields {
            if let Some(to) = by_value(&f.ty) {
                targets.insert(to.clone());
            }
        }
    }
    for u in &module.unions {
        let from = ItemRef::new(&u.module, u.name.clone());
        let targets = edges.entry(from).or_default();
        targets.extend(u.variants.iter().map(|v| v.ty.clone()));
    }
    let component = components(&edges);
    let same = |a: &ItemRef, b: &ItemRef| component.get(a).is_some_and(|c| component.get(b) == Some(c));
    let cyclic = |a: &ItemRef, b: &ItemRef| same(a, b) && (a != b || edges.get(a).is_some_and(|t| t.contains(b)));
    for s in &mut module.structs {
        let owner = ItemRef::new(&s.module, s.name.clone());
        for f in &mut s.fields {
            if by_value(&f.ty).is_some_and(|to| cyclic(&owner, to)) {
                f.ty = RustType::Boxed(Box::new(f.ty.clone()));
            }
        }
    }
    for u in &mut module.unions {
        let owner = ItemRef::new(&u.module, u.name.clone());
        for v in &mut u.variants {
            v.boxed = cyclic(&owner, &v.ty);
        }
    }
}

/// The struct or union a field holds by value (not through a `Vec`).
fn by_value(t: &RustType) -> Option<&ItemRef> {
    match t {
        RustType::Struct(r) | RustType::Union(r) => Some(r),
        RustType::Boxed(inner) => by_value(inner),
        _ => None,
    }
}

/// The strongly connected component of every node, as the smallest member of the component
/// (Tarjan's algorithm, iterative so that deep graphs cannot overflow the stack).
fn components(edges: &BTreeMap<ItemRef, BTreeSet<ItemRef>>) -> BTreeMap<ItemRef, ItemRef> {
    let nodes: Vec<&ItemRef> = edges.keys().collect();
    let index_of: BTreeMap<&ItemRef, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| edges[*n].iter().filter_map(|t| index_of.get(t).copied()).collect())
        .collect();
    let n = nodes.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut out = BTreeMap::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, position in its successor list)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(top) = work.last_mut() {
            let v = top.0;
            if let Some(&w) = successors[v].get(top.1) {
                top.1 += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                let smallest = members.iter().map(|&m| nodes[m]).min().expect("a component has a member");
                for m in members {
                    out.insert(nodes[m].clone(), smallest.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str) -> ItemRef {
        ItemRef::new(&[], name)
    }

    #[test]
    fn components_of_cycles_and_chains() {
        let mut edges: BTreeMap<ItemRef, BTreeSet<ItemRef>> = BTreeMap::new();
        edges.insert(r("A"), [r("B")].into());
        edges.insert(r("B"), [r("A"), r("C")].into());
        edges.insert(r("C"), [r("C")].into());
        edges.insert(r("D"), [r("A")].into());
        let c = components(&edges);
        assert_eq!(c[&r("A")], r("A"));
        assert_eq!(c[&r("B")], r("A"));
        assert_eq!(c[&r("C")], r("C"));
        assert_eq!(c[&r("D")], r("D"));
    }
}
