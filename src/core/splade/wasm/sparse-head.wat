;; SIMD kernels of the max-first SPLADE head (see ../max-first-head.ts). Build: node scripts/build-wasm.mjs
;; (needs wat2wasm from wabt); the bytes are embedded in sparse-head-wasm.ts.
(module
  (memory (export "memory") 1)

  ;; The sparse backward. Entries are vocabulary-major: entry e = v·B + b holds g (f32 at g + 4e, 0 = no
  ;; gradient) and the packed token row r that took the max (i32 at idx + 4e). For every entry with g ≠ 0:
  ;;   dRows[r, :] += g · W[v, :],   dW[v, :] += g · rows[r, :],   dBias[v] += g.
  ;; dW and dRows must be zero on entry; dBias is written. H must be a multiple of 4 (f32x4 lanes).
  (func (export "backward")
    (param $V i32) (param $B i32) (param $H i32)
    (param $w i32) (param $rows i32) (param $g i32) (param $idx i32)
    (param $dw i32) (param $drows i32) (param $dbias i32)
    (local $v i32) (local $b i32) (local $k i32) (local $e i32) (local $rowBytes i32)
    (local $wrow i32) (local $dwrow i32) (local $hrow i32) (local $dhrow i32)
    (local $gv f32) (local $gs v128) (local $bias f32) (local $r i32)
    (local.set $rowBytes (i32.shl (local.get $H) (i32.const 2)))
    (local.set $v (i32.const 0))
    (block $vDone
      (loop $vLoop
        (br_if $vDone (i32.ge_u (local.get $v) (local.get $V)))
        (local.set $wrow (i32.add (local.get $w) (i32.mul (local.get $v) (local.get $rowBytes))))
        (local.set $dwrow (i32.add (local.get $dw) (i32.mul (local.get $v) (local.get $rowBytes))))
        (local.set $bias (f32.const 0))
        (local.set $b (i32.const 0))
        (block $bDone
          (loop $bLoop
            (br_if $bDone (i32.ge_u (local.get $b) (local.get $B)))
            (local.set $e (i32.shl (i32.add (i32.mul (local.get $v) (local.get $B)) (local.get $b)) (i32.const 2)))
            (local.set $gv (f32.load (i32.add (local.get $g) (local.get $e))))
            (if (f32.ne (local.get $gv) (f32.const 0))
              (then
                (local.set $bias (f32.add (local.get $bias) (local.get $gv)))
                (local.set $gs (f32x4.splat (local.get $gv)))
                (local.set $r (i32.mul (i32.load (i32.add (local.get $idx) (local.get $e))) (local.get $rowBytes)))
                (local.set $hrow (i32.add (local.get $rows) (local.get $r)))
                (local.set $dhrow (i32.add (local.get $drows) (local.get $r)))
                (local.set $k (i32.const 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $k) (local.get $rowBytes)))
                    (v128.store
                      (i32.add (local.get $dhrow) (local.get $k))
                      (f32x4.add
                        (v128.load (i32.add (local.get $dhrow) (local.get $k)))
                        (f32x4.mul (local.get $gs) (v128.load (i32.add (local.get $wrow) (local.get $k))))))
                    (v128.store
                      (i32.add (local.get $dwrow) (local.get $k))
                      (f32x4.add
                        (v128.load (i32.add (local.get $dwrow) (local.get $k)))
                        (f32x4.mul (local.get $gs) (v128.load (i32.add (local.get $hrow) (local.get $k))))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $kLoop)))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bLoop)))
        (f32.store (i32.add (local.get $dbias) (i32.shl (local.get $v) (i32.const 2))) (local.get $bias))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $vLoop))))

  ;; The masked max over tokens, for one chunk of logits x [n, V] (row-major, token rows). Segment i (four i32
  ;; at segs + 16i: first row in the chunk, row count, output row b, init flag) folds its rows into
  ;; max [·, V] (f32) and arg [·, V] (i32, the absolute token row: rowBase + chunk row), starting from its first
  ;; row when init ≠ 0, else from the running values. A later row replaces the max only when strictly greater,
  ;; so the first of tied tokens wins. V must be ≥ 4: the last vector of a row overlaps the one before it,
  ;; which is harmless because folding a row in twice changes nothing.
  (func (export "segmentMax")
    (param $V i32) (param $x i32) (param $rowBase i32) (param $nSegs i32) (param $segs i32)
    (param $max i32) (param $arg i32)
    (local $s i32) (local $seg i32) (local $row i32) (local $end i32) (local $out i32)
    (local $rowBytes i32) (local $lastVec i32) (local $mrow i32) (local $arow i32) (local $xrow i32)
    (local $k i32) (local $xv v128) (local $mv v128) (local $gt v128) (local $jv v128)
    (local.set $rowBytes (i32.shl (local.get $V) (i32.const 2)))
    (local.set $lastVec (i32.sub (local.get $rowBytes) (i32.const 16)))
    (local.set $s (i32.const 0))
    (block $sDone
      (loop $sLoop
        (br_if $sDone (i32.ge_u (local.get $s) (local.get $nSegs)))
        (local.set $seg (i32.add (local.get $segs) (i32.shl (local.get $s) (i32.const 4))))
        (local.set $row (i32.load (local.get $seg)))
        (local.set $end (i32.add (local.get $row) (i32.load offset=4 (local.get $seg))))
        (local.set $out (i32.mul (i32.load offset=8 (local.get $seg)) (local.get $rowBytes)))
        (local.set $mrow (i32.add (local.get $max) (local.get $out)))
        (local.set $arow (i32.add (local.get $arg) (local.get $out)))
        (if (i32.and (i32.ne (i32.load offset=12 (local.get $seg)) (i32.const 0)) (i32.lt_u (local.get $row) (local.get $end)))
          (then
            ;; Start from the segment's first row.
            (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $rowBytes))))
            (local.set $jv (i32x4.splat (i32.add (local.get $rowBase) (local.get $row))))
            (local.set $k (i32.const 0))
            (block $cDone
              (loop $cLoop
                (v128.store (i32.add (local.get $mrow) (local.get $k)) (v128.load (i32.add (local.get $xrow) (local.get $k))))
                (v128.store (i32.add (local.get $arow) (local.get $k)) (local.get $jv))
                (br_if $cDone (i32.ge_u (local.get $k) (local.get $lastVec)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (if (i32.gt_u (local.get $k) (local.get $lastVec)) (then (local.set $k (local.get $lastVec))))
                (br $cLoop)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))))
        (block $rDone
          (loop $rLoop
            (br_if $rDone (i32.ge_u (local.get $row) (local.get $end)))
            (local.set $xrow (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $rowBytes))))
            (local.set $jv (i32x4.splat (i32.add (local.get $rowBase) (local.get $row))))
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $kLoop
                (local.set $xv (v128.load (i32.add (local.get $xrow) (local.get $k))))
                (local.set $mv (v128.load (i32.add (local.get $mrow) (local.get $k))))
                (local.set $gt (f32x4.gt (local.get $xv) (local.get $mv)))
                (v128.store (i32.add (local.get $mrow) (local.get $k)) (v128.bitselect (local.get $xv) (local.get $mv) (local.get $gt)))
                (v128.store (i32.add (local.get $arow) (local.get $k))
                  (v128.bitselect (local.get $jv) (v128.load (i32.add (local.get $arow) (local.get $k))) (local.get $gt)))
                (br_if $kDone (i32.ge_u (local.get $k) (local.get $lastVec)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (if (i32.gt_u (local.get $k) (local.get $lastVec)) (then (local.set $k (local.get $lastVec))))
                (br $kLoop)))
            (local.set $row (i32.add (local.get $row) (i32.const 1)))
            (br $rLoop)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $sLoop))))

  ;; W [V, H] (row-major, f32 at w) → blocks of 8 vocabulary rows, [ceil(V/8)][H][8] at out, with the rows
  ;; past V zero: the layout projectMax reads, 8 vocabulary entries in two f32x4 lanes per hidden unit.
  (func (export "packBlocks") (param $V i32) (param $H i32) (param $w i32) (param $out i32)
    (local $v i32) (local $Vp i32) (local $k i32) (local $src i32) (local $dst i32) (local $kEnd i32)
    (local.set $Vp (i32.and (i32.add (local.get $V) (i32.const 7)) (i32.const -8)))
    (local.set $kEnd (i32.shl (local.get $H) (i32.const 2)))
    (local.set $v (i32.const 0))
    (block $vDone
      (loop $vLoop
        (br_if $vDone (i32.ge_u (local.get $v) (local.get $Vp)))
        ;; block v >> 3 starts at (v >> 3)·H·32 bytes; entry v & 7 is lane (v & 7) of every 32-byte group.
        (local.set $dst (i32.add (local.get $out)
          (i32.add (i32.mul (i32.shr_u (local.get $v) (i32.const 3)) (i32.shl (local.get $H) (i32.const 5)))
                   (i32.shl (i32.and (local.get $v) (i32.const 7)) (i32.const 2)))))
        (local.set $src (i32.add (local.get $w) (i32.mul (local.get $v) (local.get $kEnd))))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $kEnd)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 3)))
              (if (result f32) (i32.lt_u (local.get $v) (local.get $V))
                (then (f32.load (i32.add (local.get $src) (local.get $k))))
                (else (f32.const 0))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kLoop)))
        (local.set $v (i32.add (local.get $v) (i32.const 1)))
        (br $vLoop))))

  ;; The max-first head's masked max without materializing logits: for every sequence and vocabulary entry v,
  ;; max over the sequence's token rows r of x[r, :]·W[v, :] and the first row attaining it. x is [rows, H]
  ;; (row-major), wp the packed decoder (packBlocks) with Vp = V rounded up to 8; H a multiple of 4.
  ;; Segment i (three i32 at segs + 12i: first row, row count, output row b) writes max [·, Vp] (f32) and
  ;; arg [·, Vp] (i32 token row; −Infinity and −1 for an empty segment). Each dot product sums k = 0 … H−1 in
  ;; order, as a plain matMul does; a later row replaces the max only when strictly greater, so the first of
  ;; tied tokens wins. Work goes 8 vocabulary entries (one 32·H-byte block, kept in L1) × 4 token rows at a
  ;; time, the 8 accumulators in registers, 1 hidden units per loop turn.
  (func (export "projectMax")
    (param $Vp i32) (param $H i32) (param $x i32) (param $wp i32) (param $nSegs i32) (param $segs i32)
    (param $max i32) (param $arg i32)
    (local $col i32) (local $wb i32) (local $s i32) (local $seg i32) (local $r i32) (local $end i32) (local $o i32)
    (local $rowBytes i32) (local $kb i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $a0l v128) (local $a0h v128) (local $a1l v128) (local $a1h v128) (local $a2l v128) (local $a2h v128) (local $a3l v128) (local $a3h v128)
    (local $wl v128) (local $wh v128) (local $sp v128) (local $ml v128) (local $mh v128)
    (local $il v128) (local $ih v128) (local $gt v128) (local $rv v128)
    (local.set $rowBytes (i32.shl (local.get $H) (i32.const 2)))
    (local.set $wb (local.get $wp))
    (local.set $col (i32.const 0))
    (block $colDone
      (loop $colLoop
        (br_if $colDone (i32.ge_u (local.get $col) (local.get $Vp)))
        (local.set $s (i32.const 0))
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_u (local.get $s) (local.get $nSegs)))
            (local.set $seg (i32.add (local.get $segs) (i32.mul (local.get $s) (i32.const 12))))
            (local.set $r (i32.load (local.get $seg)))
            (local.set $end (i32.add (local.get $r) (i32.load offset=4 (local.get $seg))))
            (local.set $ml (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $mh (local.get $ml))
            (local.set $il (v128.const i32x4 -1 -1 -1 -1))
            (local.set $ih (local.get $il))
            ;; Four token rows at a time.
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $end)))
                (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
                (local.set $x1 (i32.add (local.get $x0) (local.get $rowBytes)))
                (local.set $x2 (i32.add (local.get $x1) (local.get $rowBytes)))
                (local.set $x3 (i32.add (local.get $x2) (local.get $rowBytes)))
                (local.set $a0l (v128.const f32x4 0 0 0 0)) (local.set $a0h (v128.const f32x4 0 0 0 0))
                (local.set $a1l (v128.const f32x4 0 0 0 0)) (local.set $a1h (v128.const f32x4 0 0 0 0))
                (local.set $a2l (v128.const f32x4 0 0 0 0)) (local.set $a2h (v128.const f32x4 0 0 0 0))
                (local.set $a3l (v128.const f32x4 0 0 0 0)) (local.set $a3h (v128.const f32x4 0 0 0 0))
                (local.set $kb (i32.const 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $kb) (local.get $rowBytes)))
                    (local.set $wl (v128.load offset=0 (i32.add (local.get $wb) (i32.shl (local.get $kb) (i32.const 3)))))
                    (local.set $wh (v128.load offset=16 (i32.add (local.get $wb) (i32.shl (local.get $kb) (i32.const 3)))))
                    (local.set $sp (v128.load32_splat offset=0 (i32.add (local.get $x0) (local.get $kb))))
                    (local.set $a0l (f32x4.add (local.get $a0l) (f32x4.mul (local.get $sp) (local.get $wl))))
                    (local.set $a0h (f32x4.add (local.get $a0h) (f32x4.mul (local.get $sp) (local.get $wh))))
                    (local.set $sp (v128.load32_splat offset=0 (i32.add (local.get $x1) (local.get $kb))))
                    (local.set $a1l (f32x4.add (local.get $a1l) (f32x4.mul (local.get $sp) (local.get $wl))))
                    (local.set $a1h (f32x4.add (local.get $a1h) (f32x4.mul (local.get $sp) (local.get $wh))))
                    (local.set $sp (v128.load32_splat offset=0 (i32.add (local.get $x2) (local.get $kb))))
                    (local.set $a2l (f32x4.add (local.get $a2l) (f32x4.mul (local.get $sp) (local.get $wl))))
                    (local.set $a2h (f32x4.add (local.get $a2h) (f32x4.mul (local.get $sp) (local.get $wh))))
                    (local.set $sp (v128.load32_splat offset=0 (i32.add (local.get $x3) (local.get $kb))))
                    (local.set $a3l (f32x4.add (local.get $a3l) (f32x4.mul (local.get $sp) (local.get $wl))))
                    (local.set $a3h (f32x4.add (local.get $a3h) (f32x4.mul (local.get $sp) (local.get $wh))))
                    (local.set $kb (i32.add (local.get $kb) (i32.const 4)))
                    (br $kLoop)))
                (local.set $rv (i32x4.splat (local.get $r)))
                (local.set $gt (f32x4.gt (local.get $a0l) (local.get $ml)))
                (local.set $ml (v128.bitselect (local.get $a0l) (local.get $ml) (local.get $gt)))
                (local.set $il (v128.bitselect (local.get $rv) (local.get $il) (local.get $gt)))
                (local.set $gt (f32x4.gt (local.get $a0h) (local.get $mh)))
                (local.set $mh (v128.bitselect (local.get $a0h) (local.get $mh) (local.get $gt)))
                (local.set $ih (v128.bitselect (local.get $rv) (local.get $ih) (local.get $gt)))
                (local.set $rv (i32x4.splat (i32.add (local.get $r) (i32.const 1))))
                (local.set $gt (f32x4.gt (local.get $a1l) (local.get $ml)))
                (local.set $ml (v128.bitselect (local.get $a1l) (local.get $ml) (local.get $gt)))
                (local.set $il (v128.bitselect (local.get $rv) (local.get $il) (local.get $gt)))
                (local.set $gt (f32x4.gt (local.get $a1h) (local.get $mh)))
                (local.set $mh (v128.bitselect (local.get $a1h) (local.get $mh) (local.get $gt)))
                (local.set $ih (v128.bitselect (local.get $rv) (local.get $ih) (local.get $gt)))
                (local.set $rv (i32x4.splat (i32.add (local.get $r) (i32.const 2))))
                (local.set $gt (f32x4.gt (local.get $a2l) (local.get $ml)))
                (local.set $ml (v128.bitselect (local.get $a2l) (local.get $ml) (local.get $gt)))
                (local.set $il (v128.bitselect (local.get $rv) (local.get $il) (local.get $gt)))
                (local.set $gt (f32x4.gt (local.get $a2h) (local.get $mh)))
                (local.set $mh (v128.bitselect (local.get $a2h) (local.get $mh) (local.get $gt)))
                (local.set $ih (v128.bitselect (local.get $rv) (local.get $ih) (local.get $gt)))
                (local.set $rv (i32x4.splat (i32.add (local.get $r) (i32.const 3))))
                (local.set $gt (f32x4.gt (local.get $a3l) (local.get $ml)))
                (local.set $ml (v128.bitselect (local.get $a3l) (local.get $ml) (local.get $gt)))
                (local.set $il (v128.bitselect (local.get $rv) (local.get $il) (local.get $gt)))
                (local.set $gt (f32x4.gt (local.get $a3h) (local.get $mh)))
                (local.set $mh (v128.bitselect (local.get $a3h) (local.get $mh) (local.get $gt)))
                (local.set $ih (v128.bitselect (local.get $rv) (local.get $ih) (local.get $gt)))
                (local.set $r (i32.add (local.get $r) (i32.const 4)))
                (br $tLoop)))
            ;; The last rows one at a time.
            (block $rDone
              (loop $rLoop
                (br_if $rDone (i32.ge_u (local.get $r) (local.get $end)))
                (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $rowBytes))))
                (local.set $a0l (v128.const f32x4 0 0 0 0)) (local.set $a0h (v128.const f32x4 0 0 0 0))
                (local.set $kb (i32.const 0))
                (block $kDone
                  (loop $kLoop
                    (br_if $kDone (i32.ge_u (local.get $kb) (local.get $rowBytes)))
                    (local.set $wl (v128.load offset=0 (i32.add (local.get $wb) (i32.shl (local.get $kb) (i32.const 3)))))
                    (local.set $wh (v128.load offset=16 (i32.add (local.get $wb) (i32.shl (local.get $kb) (i32.const 3)))))
                    (local.set $sp (v128.load32_splat offset=0 (i32.add (local.get $x0) (local.get $kb))))
                    (local.set $a0l (f32x4.add (local.get $a0l) (f32x4.mul (local.get $sp) (local.get $wl))))
                    (local.set $a0h (f32x4.add (local.get $a0h) (f32x4.mul (local.get $sp) (local.get $wh))))
                    (local.set $kb (i32.add (local.get $kb) (i32.const 4)))
                    (br $kLoop)))
                (local.set $rv (i32x4.splat (local.get $r)))
                (local.set $gt (f32x4.gt (local.get $a0l) (local.get $ml)))
                (local.set $ml (v128.bitselect (local.get $a0l) (local.get $ml) (local.get $gt)))
                (local.set $il (v128.bitselect (local.get $rv) (local.get $il) (local.get $gt)))
                (local.set $gt (f32x4.gt (local.get $a0h) (local.get $mh)))
                (local.set $mh (v128.bitselect (local.get $a0h) (local.get $mh) (local.get $gt)))
                (local.set $ih (v128.bitselect (local.get $rv) (local.get $ih) (local.get $gt)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rLoop)))
            (local.set $o (i32.shl (i32.add (i32.mul (i32.load offset=8 (local.get $seg)) (local.get $Vp)) (local.get $col)) (i32.const 2)))
            (v128.store (i32.add (local.get $max) (local.get $o)) (local.get $ml))
            (v128.store offset=16 (i32.add (local.get $max) (local.get $o)) (local.get $mh))
            (v128.store (i32.add (local.get $arg) (local.get $o)) (local.get $il))
            (v128.store offset=16 (i32.add (local.get $arg) (local.get $o)) (local.get $ih))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $sLoop)))
        (local.set $wb (i32.add (local.get $wb) (i32.shl (local.get $H) (i32.const 5))))
        (local.set $col (i32.add (local.get $col) (i32.const 8)))
        (br $colLoop))))
)
