-- rewrite(text), rewrite(text, int), their text[] forms,
-- prodtext.rewrite_beam_width and the trigger's rewrite:col.  Properties
-- rather than model outputs (a retrained model keeps them).

CREATE TEMP TABLE noisy (id int, body text);
INSERT INTO noisy VALUES
 (1, 'BEST PRICE!!! Navy blue solid casual shirt, has a spread collar, long sleeves, button placket. 100% cotton. FREE SHIPPING on all orders!!! Contact us for wholesale.'),
 (2, '<b>HOT SALE</b> 🔥🔥 Stainless steel water bottle, 750 ml, keeps drinks cold for 24 hours. Stainless steel water bottle, 750 ml.'),
 (3, 'Casio G-Shock GA-2100 analogue-digital watch for men, 45.4 mm case, resin strap, 200 m water resistance, LED light.'),
 (4, '包邮！限时抢购！这款连衣裙采用针织面料，柔软舒适，简约的纯色设计，尽显优雅气质。亲，欢迎光临本店！'),
 (5, '小米手环8，1.62英寸AMOLED屏幕，续航16天，支持150种运动模式，5ATM防水，重量27克。'),
 (6, '<p>Cotton kurta &amp; palazzo set</p><ul><li>Mandarin collar</li><li>3/4 sleeves</li></ul>'),
 (7, 'Это описание товара на русском языке.'),
 (8, 'Soft wool scarf. Soft wool scarf. Soft wool scarf. Warm and light, 180 cm long.');

-- NULL in, NULL out; empty and content-free input gives ''
SELECT rewrite(NULL::text) IS NULL AS null_text, rewrite('a shirt', NULL) IS NULL AS null_budget,
       rewrite(NULL::text[]) IS NULL AS null_array;
SELECT rewrite('') AS empty, rewrite('   ') AS blank, rewrite('<p> </p>') AS empty_html;

-- never longer than the input, no markup left, same language kept (CJK in, CJK out)
SELECT count(*) AS rows,
       bool_and(char_length(r) <= char_length(body)) AS never_longer,
       bool_and(r !~ '[<>]|&amp;') AS no_markup,
       bool_and(r <> '') AS none_empty,
       bool_and((body ~ '[一-龥]') = (r ~ '[一-龥]')) AS same_script
FROM noisy, LATERAL rewrite(body) r;

-- seller noise the rules remove whatever the model does: emoji, runs of punctuation,
-- shouting, a sentence said twice; and no ASCII word the input lacks
SELECT bool_and(r !~ '🔥') AS no_emoji, bool_and(r !~ '[!！]{2}') AS no_punctuation_runs,
       bool_and(r !~ '[A-Z]{4} [A-Z]{4}') AS no_shouting,
       bool_and(NOT EXISTS (
         SELECT 1 FROM regexp_matches(r, '[A-Za-z0-9]+', 'g') w
          WHERE body !~* ('(^|[^A-Za-z0-9])' || w[1] || '($|[^A-Za-z0-9])'))) AS words_from_input
FROM noisy, LATERAL rewrite(body) r;
SELECT (length(r) - length(replace(r, 'Soft wool scarf', ''))) / length('Soft wool scarf') AS said_once
FROM noisy, LATERAL rewrite(body) r WHERE id = 8;

-- a language without a model comes back normalized
SELECT rewrite(body) = 'Это описание товара на русском языке.' AS other_language_kept FROM noisy WHERE id = 7;

-- faithfulness: every run of digits of a rewrite occurs in its input
-- (digit runs, not numbers: the input's full-width "8，1.62" is "8,1.62" once normalized)
SELECT bool_and(NOT EXISTS (
         SELECT 1 FROM regexp_matches(r, '[0-9]+', 'g') m
          WHERE strpos(body, m[1]) = 0)) AS numbers_copied
FROM noisy, LATERAL rewrite(body) r;

-- budgets, in characters; max_chars 1 and 10000
SELECT count(*) AS outputs, bool_and(char_length(r) <= n) AS all_within_budget
FROM noisy, unnest(ARRAY[1, 5, 20, 60, 150, 10000]) n, LATERAL rewrite(body, n) r;
SELECT bool_and(rewrite(body, 10000) = rewrite(body)) AS big_budget_is_no_budget FROM noisy;

-- max_chars below 1 is an error
\set VERBOSITY terse
SELECT rewrite('a red shirt', 0);
SELECT rewrite(ARRAY['a red shirt'], -1);
\set VERBOSITY default

-- the array form: one batched pass, the same rewrites, NULLs and shape kept
SELECT (SELECT array_agg(body ORDER BY id) FROM noisy) AS bodies \gset
SELECT rewrite(:'bodies'::text[]) = (SELECT array_agg(rewrite(body) ORDER BY id) FROM noisy) AS array_equals_rows;
SELECT a[1] <> '' AS first_rewritten, a[2] IS NULL AS null_kept, a[3] = '' AS empty_kept
FROM rewrite(ARRAY['Soft wool scarf.', NULL, '']) a;
SELECT array_dims(rewrite('[0:1]={"Soft wool scarf.","Warm hat."}'::text[])) AS dims;

-- greedy (default) and beam search both keep the guarantees
SET prodtext.rewrite_beam_width = 3;
SELECT bool_and(char_length(r) <= char_length(body)) AS beam_never_longer FROM noisy, LATERAL rewrite(body) r;
RESET prodtext.rewrite_beam_width;
\set VERBOSITY terse
SET prodtext.rewrite_beam_width = 0;
\set VERBOSITY default

-- the trigger fills rewrite:col as rewrite(text) does
CREATE TEMP TABLE listing (id int, body text, clean text);
CREATE TRIGGER listing_fill BEFORE INSERT OR UPDATE ON listing
    FOR EACH ROW EXECUTE FUNCTION prodtext_fill('body', 'rewrite:clean');
INSERT INTO listing (id, body) SELECT id, body FROM noisy;
SELECT bool_and(clean IS NOT DISTINCT FROM rewrite(body)) AS trigger_equals_function FROM listing;

-- seller boilerplate goes, numbers and all; product sentences stay, numbers and all (boiler.h)
SELECT rewrite('BUY NOW!!! 50% OFF TODAY ONLY!!! Soft cotton crew-neck T-shirt, machine washable. Ships in 24 hours. Visit our store for more!!!') AS promo_dropped;
SELECT rewrite('Stainless steel kettle, 1.7 l, boils in 4 minutes. Free shipping on orders over $25!') AS product_numbers_kept;
SELECT rewrite('【爆款热卖】316不锈钢内胆保温杯，容量500ml，触控显示水温。包邮!七天无理由退换!') AS zh_promo_dropped;
SELECT rewrite('Free shipping! Buy now!') = '' AS all_noise_gives_empty;
-- a beam keeps the whole product sentence (beams used to stop after "Soft cotton crew")
SET prodtext.rewrite_beam_width = 4;
SELECT rewrite('BUY NOW!!! 50% OFF TODAY ONLY!!! Soft cotton crew-neck T-shirt, machine washable. Ships in 24 hours. Visit our store for more!!!') AS promo_dropped_beam_4;
SELECT rewrite('三鼎（SANDING）肠粉机，好用！质量很好。') AS zh_brand_beam_4;
RESET prodtext.rewrite_beam_width;

-- the language's typography and the input's brand and model casing (typography.h)
SELECT rewrite('三鼎（SANDING）肠粉机，好用！质量很好。') AS zh_brand_and_fullwidth;
SELECT rewrite('POEZIE诗色GP系列口红，滋润保湿。') AS zh_brand_codes;
SELECT rewrite('Apple iPhone 12 Pro case, fits the XR-500 dock. MADE OF SOFT SILICONE, EASY TO CLEAN.') AS en_names_kept_shouting_recased;
SELECT rewrite('支持Wi-Fi, NFC和蓝牙5.0, 续航12小时.') AS zh_ascii_marks_full_width;
