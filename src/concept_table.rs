//! One definition per concept table.
//!
//! LuaJIT numbers several sets of things, and the numbers leak out: the
//! bytecodes are the dump format and `jit.util.funcbc`'s mode words, the
//! fast-function ids show in `tostring(print)` ("builtin#29"), and the
//! `jit/vmdef.lua` module lists them by name for `jit.bc`, `jit.v`,
//! `jit.dump` and `jit.p`. Each such set is declared here once, by one
//! `concept_table!` invocation listing its members in numbering order;
//! the enum, the count, the names, the per-member records and the
//! `vmdef.lua` text (`crate::vmdef`) all come from that list, and nothing
//! else spells a member's number or name again.
//!
//! The tables so far: `crate::bytecode::Op` (bytecodes: operand modes,
//! metamethod, trace-recording class) and `crate::fastfunc::FastFunc`
//! (fast-function ids). The trace compiler declares its IR opcodes, IR
//! call targets and trace errors the same way, and `crate::vmdef` then
//! renders `irnames`, `ircall` and `traceerr` from them instead of from
//! its static lists.

/// Declares a concept table: a `#[repr(u8)]` enum whose variants are
/// numbered 0, 1, 2, ... in declaration order (checked at compile time,
/// so an explicit `= N` documents the number and cannot drift), plus
///
/// - `count`: a `usize` constant, the number of members;
/// - `names`: a `[&str; count]` of the members' names, each the row's
///   string literal if it has one, else the variant's own name;
/// - optionally `records`: a `[Record; count]` built by calling
///   `Record::ctor(args)` with each row's parenthesised arguments.
///
/// The enum gets `ALL` (every member in order), `from_u8` (the member
/// with that number, if any), `name()` and, with records, `record()` (records are `Copy`).
///
/// ```ignore
/// concept_table! {
///     /// Things.
///     pub enum Thing {
///         count: NUM_THINGS,
///         names: THING_NAMES,
///         records: THING_DEFS: [ThingDef] = new,
///     }
///     Alpha = 0 "alpha" (1, true),
///     Beta = 1 "beta" (2, false),
/// }
/// ```
macro_rules! concept_table {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident {
            count: $COUNT:ident,
            names: $NAMES:ident,
            records: $RECORDS:ident: [$Record:ident] = $ctor:ident $(,)?
        }
        $( $(#[$vmeta:meta])* $Variant:ident $(= $num:literal)? $($name:literal)?
            ( $($arg:expr),* $(,)? ) ),* $(,)?
    ) => {
        $crate::concept_table::concept_table! {
            @common $(#[$meta])* $vis enum $Enum { count: $COUNT, names: $NAMES, }
            $( $(#[$vmeta])* $Variant $(= $num)? $($name)? ),*
        }

        /// One record per member, indexed by its number.
        $vis const $RECORDS: [$Record; $COUNT] = [ $( $Record::$ctor($($arg),*) ),* ];

        impl $Enum {
            /// This member's record.
            #[inline(always)]
            pub const fn record(self) -> $Record {
                $RECORDS[self as usize]
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident {
            count: $COUNT:ident,
            names: $NAMES:ident $(,)?
        }
        $( $(#[$vmeta:meta])* $Variant:ident $(= $num:literal)? $($name:literal)? ),* $(,)?
    ) => {
        $crate::concept_table::concept_table! {
            @common $(#[$meta])* $vis enum $Enum { count: $COUNT, names: $NAMES, }
            $( $(#[$vmeta])* $Variant $(= $num)? $($name)? ),*
        }
    };
    (
        @common $(#[$meta:meta])* $vis:vis enum $Enum:ident { count: $COUNT:ident, names: $NAMES:ident, }
        $( $(#[$vmeta:meta])* $Variant:ident $(= $num:literal)? $($name:literal)? ),*
    ) => {
        $(#[$meta])*
        #[repr(u8)]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
        $vis enum $Enum {
            $( $(#[$vmeta])* $Variant $(= $num)? ),*
        }

        /// Number of members.
        $vis const $COUNT: usize = $Enum::ALL.len();

        /// Names indexed by number.
        $vis const $NAMES: [&str; $COUNT] = [ $( $crate::concept_table::concept_table!(@name $Variant $($name)?) ),* ];

        // The numbering is dense and in declaration order: `from_u8` and
        // every table indexed by number rely on it.
        const _: () = {
            let mut i = 0;
            while i < $Enum::ALL.len() {
                assert!($Enum::ALL[i] as usize == i, "members must be numbered 0, 1, 2, ... in order");
                i += 1;
            }
        };

        impl $Enum {
            /// Every member, in numbering order.
            pub const ALL: [$Enum; [$( $Enum::$Variant ),*].len()] = [ $( $Enum::$Variant ),* ];

            /// The member numbered `n`, if any.
            #[inline(always)]
            pub const fn from_u8(n: u8) -> Option<$Enum> {
                if (n as usize) < $COUNT {
                    // SAFETY: the enum is repr(u8) and its discriminants are
                    // exactly 0..COUNT (asserted above), so n is one of them.
                    Some(unsafe { ::std::mem::transmute::<u8, $Enum>(n) })
                } else {
                    None
                }
            }

            /// The member's name.
            #[inline]
            pub const fn name(self) -> &'static str {
                $NAMES[self as usize]
            }
        }
    };
    (@name $Variant:ident $name:literal) => { $name };
    (@name $Variant:ident) => { stringify!($Variant) };
}
pub(crate) use concept_table;
