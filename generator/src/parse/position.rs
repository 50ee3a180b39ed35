//! Positions: byte offsets into the input turned into 1-based lines and columns
//! (counted in characters), with a running counter.

use crate::csdl::Pos;

/// Turns byte offsets into line and column with a running counter: asking for offsets
/// in increasing order scans every byte of the input once.
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    /// The offset `line` and `column` describe.
    offset: usize,
    line: u32,
    column: u32,
}

impl<'a> Lines<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Lines {
            bytes,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// The position of the byte at `offset` (clamped to the input).
    pub(super) fn pos(&mut self, offset: usize) -> Pos {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            // Only errors ever look back; start over.
            *self = Lines::new(self.bytes);
        }
        let passed = self.bytes.get(self.offset..offset).unwrap_or_default();
        match passed.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                let (before, after) = passed.split_at(last.saturating_add(1));
                let newlines = count_bytes(before, |b| b == b'\n');
                self.line = self.line.saturating_add(saturate(newlines));
                self.column = 1u32.saturating_add(saturate(count_chars(after)));
            }
            None => self.column = self.column.saturating_add(saturate(count_chars(passed))),
        }
        self.offset = offset;
        Pos {
            line: self.line,
            column: self.column,
        }
    }
}

/// The number of UTF-8 characters in `bytes`: the bytes that do not continue one.
fn count_chars(bytes: &[u8]) -> usize {
    count_bytes(bytes, |b| b & 0xC0 != 0x80)
}

/// The number of bytes matching `matches`. Counting each chunk of at most 255 bytes in
/// a `u8` lets the compiler use byte-wide vector lanes.
fn count_bytes(bytes: &[u8], matches: impl Fn(u8) -> bool + Copy) -> usize {
    bytes
        .chunks(usize::from(u8::MAX))
        .map(|chunk| {
            let count = chunk
                .iter()
                .fold(0u8, |count, &b| count.wrapping_add(u8::from(matches(b))));
            usize::from(count)
        })
        .sum()
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use crate::parse::test_support::{parse, pos};

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "<edmx:Edmx Version=\"4.0\">\r\n<edmx:DataServices><!-- é€😀 --><Schema Namespace=\"ñ\">\n\
            <EntityType Name=\"é\"><Property Name=\"ü\" Type=\"Edm.String\"/><Property Name=\"b\" Type=\"x\"/></EntityType>\n\
            \t<EnumType Name=\"e\"/></Schema></edmx:DataServices></edmx:Edmx>";
        let document = parse(text);
        let schema = &document.schemas[0];
        // `<edmx:DataServices>` is 19 characters, the comment 12 (18 bytes).
        assert_eq!(schema.pos, pos(2, 32));
        assert_eq!(schema.namespace, "ñ");
        let ty = &schema.entity_types[0];
        assert_eq!(ty.pos, pos(3, 1));
        // `<EntityType Name="é">` is 21 characters (22 bytes).
        assert_eq!(ty.properties[0].pos, pos(3, 22));
        assert_eq!(ty.properties[0].name, "ü");
        // `<Property Name="ü" Type="Edm.String"/>` is 38 characters.
        assert_eq!(ty.properties[1].pos, pos(3, 60));
        assert_eq!(schema.enum_types[0].pos, pos(4, 2));
    }
}
