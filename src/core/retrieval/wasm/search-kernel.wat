;; Accumulation kernels of term-at-a-time search (see ../searcher.ts, ../search-kernel.ts).
;; Build: node scripts/build-wasm.mjs (needs wat2wasm from wabt); the bytes are embedded in search-kernel-wasm.ts.
;; Every contribution is round(w · x) computed as (w · x + 2^52) − 2^52 in float64 (ties to even), exactly as
;; the searcher's JavaScript loops compute it, so sums are the same integers whichever code adds them.
(module
  (import "env" "memory" (memory 0 65536 shared))

  ;; Posting lists: for each of `count` records at `list` (16 bytes: u32 first posting, u32 end posting,
  ;; f64 weight), acc[docs[p]] += round(w · imps[p]) for p in [first, end). acc is f64, docs u32 and imps
  ;; f32 arrays; every pointer is a byte address in the memory.
  (func (export "scatter") (param $acc i32) (param $docs i32) (param $imps i32) (param $list i32) (param $count i32)
    (local $end i32) (local $p i32) (local $to i32) (local $w f64) (local $a i32)
    (local.set $end (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 4))))
    (block $done
      (loop $terms
        (br_if $done (i32.ge_u (local.get $list) (local.get $end)))
        (local.set $p (i32.shl (i32.load (local.get $list)) (i32.const 2)))
        (local.set $to (i32.shl (i32.load offset=4 (local.get $list)) (i32.const 2)))
        (local.set $w (f64.load offset=8 (local.get $list)))
        (block $termDone
          (loop $postings
            (br_if $termDone (i32.ge_u (local.get $p) (local.get $to)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (i32.load (i32.add (local.get $docs) (local.get $p))) (i32.const 3))))
            (f64.store (local.get $a)
              (f64.add (f64.load (local.get $a))
                (f64.sub
                  (f64.add (f64.mul (local.get $w) (f64.promote_f32 (f32.load (i32.add (local.get $imps) (local.get $p))))) (f64.const 0x1p52))
                  (f64.const 0x1p52))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $postings)))
        (local.set $list (i32.add (local.get $list) (i32.const 16)))
        (br $terms))))

  ;; Dense columns: for each of `count` records at `list` (16 bytes: u32 column address, 4 unused bytes,
  ;; f64 weight), acc[d] += round(w · col[d]) for d < n; col is f32. Four columns per pass over acc, two
  ;; documents per f64x2 step; a last group of fewer than four repeats its first column with weight 0
  ;; (adding round(0 · x) = 0).
  (func (export "addColumns") (param $acc i32) (param $n i32) (param $list i32) (param $count i32)
    (local $c0 i32) (local $c1 i32) (local $c2 i32) (local $c3 i32)
    (local $w0 f64) (local $w1 f64) (local $w2 f64) (local $w3 f64)
    (block $done
      (loop $groups
        (br_if $done (i32.le_s (local.get $count) (i32.const 0)))
        (local.set $c0 (i32.load (local.get $list)))
        (local.set $w0 (f64.load offset=8 (local.get $list)))
        (local.set $c1 (local.get $c0))
        (local.set $c2 (local.get $c0))
        (local.set $c3 (local.get $c0))
        (local.set $w1 (f64.const 0))
        (local.set $w2 (f64.const 0))
        (local.set $w3 (f64.const 0))
        (if (i32.gt_s (local.get $count) (i32.const 1))
          (then
            (local.set $c1 (i32.load offset=16 (local.get $list)))
            (local.set $w1 (f64.load offset=24 (local.get $list)))))
        (if (i32.gt_s (local.get $count) (i32.const 2))
          (then
            (local.set $c2 (i32.load offset=32 (local.get $list)))
            (local.set $w2 (f64.load offset=40 (local.get $list)))))
        (if (i32.gt_s (local.get $count) (i32.const 3))
          (then
            (local.set $c3 (i32.load offset=48 (local.get $list)))
            (local.set $w3 (f64.load offset=56 (local.get $list)))))
        (call $add4 (local.get $acc) (local.get $n)
          (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3)
          (local.get $w0) (local.get $w1) (local.get $w2) (local.get $w3))
        (local.set $list (i32.add (local.get $list) (i32.const 64)))
        (local.set $count (i32.sub (local.get $count) (i32.const 4)))
        (br $groups))))

  (func $add4 (param $acc i32) (param $n i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32)
        (param $w0 f64) (param $w1 f64) (param $w2 f64) (param $w3 f64)
    (local $d i32) (local $pairs i32) (local $o4 i32) (local $o8 i32)
    (local $R v128) (local $W0 v128) (local $W1 v128) (local $W2 v128) (local $W3 v128)
    (local.set $R (f64x2.splat (f64.const 0x1p52)))
    (local.set $W0 (f64x2.splat (local.get $w0)))
    (local.set $W1 (f64x2.splat (local.get $w1)))
    (local.set $W2 (f64x2.splat (local.get $w2)))
    (local.set $W3 (f64x2.splat (local.get $w3)))
    (local.set $pairs (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $docs
        (br_if $done (i32.ge_u (local.get $d) (local.get $pairs)))
        (local.set $o4 (i32.shl (local.get $d) (i32.const 2)))
        (local.set $o8 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3))))
        (v128.store (local.get $o8)
          (f64x2.add (v128.load (local.get $o8))
            (f64x2.add
              (f64x2.add
                (f64x2.sub (f64x2.add (f64x2.mul (local.get $W0) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $c0) (local.get $o4))))) (local.get $R)) (local.get $R))
                (f64x2.sub (f64x2.add (f64x2.mul (local.get $W1) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $c1) (local.get $o4))))) (local.get $R)) (local.get $R)))
              (f64x2.add
                (f64x2.sub (f64x2.add (f64x2.mul (local.get $W2) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $c2) (local.get $o4))))) (local.get $R)) (local.get $R))
                (f64x2.sub (f64x2.add (f64x2.mul (local.get $W3) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $c3) (local.get $o4))))) (local.get $R)) (local.get $R))))))
        (local.set $d (i32.add (local.get $d) (i32.const 2)))
        (br $docs)))
    ;; An odd last document.
    (if (i32.lt_u (local.get $d) (local.get $n))
      (then
        (local.set $o4 (i32.shl (local.get $d) (i32.const 2)))
        (local.set $o8 (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3))))
        (f64.store (local.get $o8)
          (f64.add (f64.load (local.get $o8))
            (f64.add
              (f64.add
                (f64.sub (f64.add (f64.mul (local.get $w0) (f64.promote_f32 (f32.load (i32.add (local.get $c0) (local.get $o4))))) (f64.const 0x1p52)) (f64.const 0x1p52))
                (f64.sub (f64.add (f64.mul (local.get $w1) (f64.promote_f32 (f32.load (i32.add (local.get $c1) (local.get $o4))))) (f64.const 0x1p52)) (f64.const 0x1p52)))
              (f64.add
                (f64.sub (f64.add (f64.mul (local.get $w2) (f64.promote_f32 (f32.load (i32.add (local.get $c2) (local.get $o4))))) (f64.const 0x1p52)) (f64.const 0x1p52))
                (f64.sub (f64.add (f64.mul (local.get $w3) (f64.promote_f32 (f32.load (i32.add (local.get $c3) (local.get $o4))))) (f64.const 0x1p52)) (f64.const 0x1p52)))))))))

  ;; The documents d < n whose score acc[d] reaches `threshold`, in document order: their numbers (i32 at
  ;; outDocs) and scores (f64 at outScores); returns how many. Four documents per step are compared with
  ;; f64x2 lanes and looked at one by one only when one of them reaches the threshold. acc is not changed.
  (func (export "collect") (param $acc i32) (param $n i32) (param $threshold f64) (param $outDocs i32) (param $outScores i32) (result i32)
    (local $d i32) (local $quads i32) (local $m i32) (local $T v128) (local $a i32) (local $end i32) (local $s f64)
    (local.set $T (f64x2.splat (local.get $threshold)))
    (local.set $quads (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $docs
        (br_if $done (i32.ge_u (local.get $d) (local.get $quads)))
        (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3))))
        (if (v128.any_true
              (v128.or
                (f64x2.ge (v128.load (local.get $a)) (local.get $T))
                (f64x2.ge (v128.load offset=16 (local.get $a)) (local.get $T))))
          (then
            (local.set $end (i32.add (local.get $d) (i32.const 4)))
            (block $inner
              (loop $one
                (br_if $inner (i32.ge_u (local.get $d) (local.get $end)))
                (local.set $s (f64.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3)))))
                (if (f64.ge (local.get $s) (local.get $threshold))
                  (then
                    (i32.store (i32.add (local.get $outDocs) (i32.shl (local.get $m) (i32.const 2))) (local.get $d))
                    (f64.store (i32.add (local.get $outScores) (i32.shl (local.get $m) (i32.const 3))) (local.get $s))
                    (local.set $m (i32.add (local.get $m) (i32.const 1)))))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $one))))
          (else
            (local.set $d (i32.add (local.get $d) (i32.const 4)))))
        (br $docs)))
    ;; The last n mod 4 documents.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $d) (local.get $n)))
        (local.set $s (f64.load (i32.add (local.get $acc) (i32.shl (local.get $d) (i32.const 3)))))
        (if (f64.ge (local.get $s) (local.get $threshold))
          (then
            (i32.store (i32.add (local.get $outDocs) (i32.shl (local.get $m) (i32.const 2))) (local.get $d))
            (f64.store (i32.add (local.get $outScores) (i32.shl (local.get $m) (i32.const 3))) (local.get $s))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $tail)))
    (local.get $m))
)
