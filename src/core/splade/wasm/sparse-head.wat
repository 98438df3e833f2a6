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
)
