;; The dot products behind waves and exact search by meaning (int8-matrix.ts embeds the compiled
;; module; int8-matrix.spec.ts checks it is this file, compiled with wabt).
;;
;; Vectors are int8, `stride` values each (a multiple of 16, zero-padded). Sixteen values per
;; step: widened to i16 and multiplied pairwise into four i32 lanes. The sums cannot overflow: a
;; lane adds stride/4 products of at most 128·128 (fine below 500,000 dimensions).
(module
  (memory (export "memory") 1)

  ;; Σ q[i]·p[i] for i < stride
  (func $dot (param $q i32) (param $p i32) (param $stride i32) (result i32)
    (local $i i32) (local $acc v128) (local $a v128) (local $b v128)
    (block $last
      (loop $col
        (br_if $last (i32.ge_u (local.get $i) (local.get $stride)))
        (local.set $a (v128.load (i32.add (local.get $q) (local.get $i))))
        (local.set $b (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $a)) (i16x8.extend_low_i8x16_s (local.get $b)))))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $a)) (i16x8.extend_high_i8x16_s (local.get $b)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $col)))
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
      (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))

  ;; out[r] = dot(q, row r of m) for r < rows
  (func (export "dots") (param $q i32) (param $m i32) (param $rows i32) (param $stride i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $rows) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (i32.store (local.get $out) (call $dot (local.get $q) (local.get $m) (local.get $stride)))
        (local.set $m (i32.add (local.get $m) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $row))))

  ;; out[k] = dot(q, row idx[k] of m) for k < count (idx: i32 row numbers)
  (func (export "dots_at") (param $q i32) (param $m i32) (param $stride i32) (param $idx i32) (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (i32.store (local.get $out)
          (call $dot (local.get $q)
            (i32.add (local.get $m) (i32.mul (i32.load (local.get $idx)) (local.get $stride)))
            (local.get $stride)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next)))))
