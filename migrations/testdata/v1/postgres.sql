-- Schema version 1 (the first migration) with realistic data: the
-- upgrade test (../../upgrade_test.go) loads it into a database at
-- version 1, migrates it up and checks that every row survived and
-- that the stores read it. One round (open), 10 invitations (7 used),
-- 7 responses with answers and 3 comments, a closed unit with a
-- successor. Unused invitations' link tokens, checked after the upgrade:
-- link token: v1fixturetoken00000009
-- link token: v1fixturetoken00000010
INSERT INTO units (id, code, name, parent_id, closed_on, successor_id, created_at) VALUES
    (1, 'KOM', 'Søby Kommune', NULL, NULL, NULL, 1678000000),
    (2, 'SUND', 'Sundhed og Omsorg', 1, NULL, NULL, 1678000000),
    (3, 'PLEJE', 'Hjemmeplejen Nord', 2, NULL, NULL, 1678000000),
    (4, 'PLEJE-GL', 'Hjemmeplejen (gammel)', 2, '2022-12-31', 3, 1678000000),
    (5, 'KULTUR', 'Kultur og Fritid', 1, NULL, NULL, 1678000000);
INSERT INTO questionnaires (id, key, version, title_da, title_en, source, created_at) VALUES
    (1, 'v1-fixture', 1, 'Trivsel 2023', 'Well-being 2023', 'key: v1-fixture
title:
  da: "Trivsel 2023"
  en: "Well-being 2023"
intro:
  da: "Svar ud fra de seneste tre måneder."
  en: "Answer from the last three months."
minutes: 3
focus_areas:
  - key: social_kapital
    name: {da: "Social kapital på arbejdspladsen", en: "Social capital at the workplace"}
dimensions:
  - key: vertical_trust
    name: {da: "Tillid mellem ledelse og medarbejdere", en: "Trust between management and employees"}
    social_capital: true
  - key: horizontal_trust
    name: {da: "Tillid kolleger imellem", en: "Trust among colleagues"}
    social_capital: true
  - key: apv_psychosocial
    name: {da: "Psykisk arbejdsmiljø", en: "Psychosocial working environment"}
sections:
  - key: tillid
    title: {da: "Tillid", en: "Trust"}
    items:
      - key: vt1
        type: likert5
        text: {da: "Jeg kan regne med, at ledelsen gør det, den siger.", en: "I can count on management to do what it says."}
        dimension: vertical_trust
        focus_area: social_kapital
        required: true
      - key: vt2
        type: likert5
        text: {da: "Jeg holder mine meninger for mig selv.", en: "I keep my opinions to myself."}
        dimension: vertical_trust
        focus_area: social_kapital
        reverse: true
      - key: ht1
        type: likert5
        text: {da: "Jeg kan regne med hjælp fra mine kolleger.", en: "I can count on help from my colleagues."}
        dimension: horizontal_trust
        focus_area: social_kapital
      - key: ht2
        type: likert5
        text: {da: "Vi kan tale åbent om fejl.", en: "We can talk openly about mistakes."}
        dimension: horizontal_trust
        focus_area: social_kapital
  - key: apv
    title: {da: "Arbejdsmiljø", en: "Working environment"}
    items:
      - key: apv1
        type: problem3
        text: {da: "Travlhed og tidspres", en: "Workload and time pressure"}
        dimension: apv_psychosocial
      - key: c1
        type: text
        text: {da: "Er der andet, du vil fortælle?", en: "Is there anything else you want to tell?"}
', 1678000000);
INSERT INTO focus_areas (id, questionnaire_id, key, name_da, name_en, period_from, period_to, position) VALUES
    (1, 1, 'social_kapital', 'Social kapital på arbejdspladsen', 'Social capital at the workplace', NULL, NULL, 1);
INSERT INTO dimensions (id, questionnaire_id, key, name_da, name_en, social_capital, position) VALUES
    (1, 1, 'vertical_trust', 'Tillid mellem ledelse og medarbejdere', 'Trust between management and employees', TRUE, 1),
    (2, 1, 'horizontal_trust', 'Tillid kolleger imellem', 'Trust among colleagues', TRUE, 2),
    (3, 1, 'apv_psychosocial', 'Psykisk arbejdsmiljø', 'Psychosocial working environment', FALSE, 3);
INSERT INTO items (id, questionnaire_id, key, position, section, type, text_da, text_en, dimension, focus_area, reverse, required) VALUES
    (1, 1, 'vt1', 1, 'tillid', 'likert5', 'Jeg kan regne med, at ledelsen gør det, den siger.', 'I can count on management to do what it says.', 'vertical_trust', 'social_kapital', FALSE, TRUE),
    (2, 1, 'vt2', 2, 'tillid', 'likert5', 'Jeg holder mine meninger for mig selv.', 'I keep my opinions to myself.', 'vertical_trust', 'social_kapital', TRUE, FALSE),
    (3, 1, 'ht1', 3, 'tillid', 'likert5', 'Jeg kan regne med hjælp fra mine kolleger.', 'I can count on help from my colleagues.', 'horizontal_trust', 'social_kapital', FALSE, FALSE),
    (4, 1, 'ht2', 4, 'tillid', 'likert5', 'Vi kan tale åbent om fejl.', 'We can talk openly about mistakes.', 'horizontal_trust', 'social_kapital', FALSE, FALSE),
    (5, 1, 'apv1', 5, 'apv', 'problem3', 'Travlhed og tidspres', 'Workload and time pressure', 'apv_psychosocial', '', FALSE, FALSE),
    (6, 1, 'c1', 6, 'apv', 'text', 'Er der andet, du vil fortælle?', 'Is there anything else you want to tell?', '', '', FALSE, FALSE);
INSERT INTO rounds (id, name, questionnaire_id, opens_on, closes_on, threshold, status, created_at) VALUES
    (1, 'Trivselsmåling 2023', 1, '2023-03-01', '2023-03-31', 3, 'open', 1678000000);
INSERT INTO round_units (round_id, unit_id) VALUES (1, 1), (1, 2), (1, 3), (1, 5);
INSERT INTO invitations (id, round_id, unit_id, email, token_hash, code_hash, used) VALUES
    (1, 1, 3, 'medarbejder1@soeby.dk', '\xb09b3bdc9c0bff28dea880a7a57ac039f4d9c25d9671e9fa91b55d460477176a', '\x8e548dab659771686bad50f409125bcfd46a9eddb5f38c36be0efda02a23c762', TRUE),
    (2, 1, 3, 'medarbejder2@soeby.dk', '\x22385dc4343c96d524ad010970b7912ee2f13148e05bc151771501d63b6bf5d0', '\x85751841a52275b8757d4876c9f3e85bfcf8cdc24c4de69fc01ca571c0dc6f74', TRUE),
    (3, 1, 3, 'medarbejder3@soeby.dk', '\xfdd9f7d2135133ff8c1ffc3271f3b5da88512ec5c68af86cf5496d75d7a2b28b', '\xb6015675af07d24c99390e5e175c5a8ecef7475abeaed8ef4cec29538e11ac70', TRUE),
    (4, 1, 3, 'medarbejder4@soeby.dk', '\x358e3a6011edc092b59a9b66eece4644bf400b9e1dd159b2f26e8956e644cdc1', '\x63772040e79c10504af4e0a591d02f49adaf57f66cd50f03ec83027559356326', TRUE),
    (5, 1, 3, 'medarbejder5@soeby.dk', '\x6eee93ebbcf3ea75b14e4a48145bd1a04f745aef609f792d25b682dc16eff03f', '\x5c07a7136d02d4dbec400dc2b6d06d73ab68f3136a89ea582f2798edb7c5ca0b', TRUE),
    (6, 1, 3, '', '\x5aab0e28991e86c3376bb34777031ba2cf4cc8d0e00cee41d530f8a4b93d793d', '\x13b81e303d0fbd7fdb1e922ee65992c6f26bb8423575a8042df5db4d19f1c3fc', FALSE),
    (7, 1, 2, 'medarbejder7@soeby.dk', '\xa6ec160e5f7bbb77dd275f86f1cd60a2859a6aec0798405cb0acb28070bfc18f', '\x1a5c0372835411b0cdea7021b15a64a32afaf741920b8202a12ccc469a7c4231', TRUE),
    (8, 1, 2, 'medarbejder8@soeby.dk', '\x32270fdff100f481e1234f8052e39ac40642a15097b34456856b5e3e99bb606f', '\x7d8a1ba89a4392769a8245c577b87de271323a906bdc2b53e2d5bf7347907910', TRUE),
    (9, 1, 2, 'medarbejder9@soeby.dk', '\x7d9fb87c0e8085322fbfbb315711e0f6f60f13d5e8687989ad6c482368a3c738', '\x3065c31ccab48a02bf333d22f1c44c1a1085846ce07daf28a74e1c4267a111b1', FALSE),
    (10, 1, 5, 'medarbejder10@soeby.dk', '\x55b58d8d94cbc340bb586d31633310169949d46180e4f4f55f02e095119ae728', '\x4f96718bea8bc63bdab04253291d0d26532639b7a2ce4c6d30c978fb8bb492cb', FALSE);
INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES
    ('50d9ab461e460eca20e8370e818f2a7d', 1, 3, '2023-03-06', 'da'),
    ('afb8c174710599875dcb8bd1c95e31e1', 1, 3, '2023-03-07', 'da'),
    ('4ed87cafe96064c5ce95cfe3380e15ab', 1, 3, '2023-03-08', 'en'),
    ('14daee43bf97345df8f469995190e7f5', 1, 3, '2023-03-09', 'da'),
    ('fb760940ed6589e9176a63c4d8016b08', 1, 3, '2023-03-10', 'da'),
    ('a0b4021151a749fc5ca811baab2ac469', 1, 2, '2023-03-11', 'da'),
    ('b055bdff51945ce5cdcd6d94d10b32aa', 1, 2, '2023-03-12', 'da');
INSERT INTO answers (response_id, item_id, value) VALUES
    ('50d9ab461e460eca20e8370e818f2a7d', 1, 4),
    ('50d9ab461e460eca20e8370e818f2a7d', 2, 2),
    ('50d9ab461e460eca20e8370e818f2a7d', 3, 5),
    ('50d9ab461e460eca20e8370e818f2a7d', 4, 4),
    ('50d9ab461e460eca20e8370e818f2a7d', 5, 1),
    ('afb8c174710599875dcb8bd1c95e31e1', 1, 5),
    ('afb8c174710599875dcb8bd1c95e31e1', 2, 1),
    ('afb8c174710599875dcb8bd1c95e31e1', 3, 4),
    ('afb8c174710599875dcb8bd1c95e31e1', 4, 4),
    ('afb8c174710599875dcb8bd1c95e31e1', 5, 2),
    ('4ed87cafe96064c5ce95cfe3380e15ab', 1, 3),
    ('4ed87cafe96064c5ce95cfe3380e15ab', 2, 3),
    ('4ed87cafe96064c5ce95cfe3380e15ab', 3, 3),
    ('4ed87cafe96064c5ce95cfe3380e15ab', 4, 0),
    ('4ed87cafe96064c5ce95cfe3380e15ab', 5, 3),
    ('14daee43bf97345df8f469995190e7f5', 1, 4),
    ('14daee43bf97345df8f469995190e7f5', 2, 2),
    ('14daee43bf97345df8f469995190e7f5', 3, 4),
    ('14daee43bf97345df8f469995190e7f5', 4, 5),
    ('14daee43bf97345df8f469995190e7f5', 5, 1),
    ('fb760940ed6589e9176a63c4d8016b08', 1, 2),
    ('fb760940ed6589e9176a63c4d8016b08', 3, 3),
    ('fb760940ed6589e9176a63c4d8016b08', 4, 3),
    ('fb760940ed6589e9176a63c4d8016b08', 5, 2),
    ('a0b4021151a749fc5ca811baab2ac469', 1, 5),
    ('a0b4021151a749fc5ca811baab2ac469', 2, 1),
    ('a0b4021151a749fc5ca811baab2ac469', 3, 5),
    ('a0b4021151a749fc5ca811baab2ac469', 4, 4),
    ('a0b4021151a749fc5ca811baab2ac469', 5, 1),
    ('b055bdff51945ce5cdcd6d94d10b32aa', 1, 4),
    ('b055bdff51945ce5cdcd6d94d10b32aa', 2, 2),
    ('b055bdff51945ce5cdcd6d94d10b32aa', 3, 4),
    ('b055bdff51945ce5cdcd6d94d10b32aa', 4, 4),
    ('b055bdff51945ce5cdcd6d94d10b32aa', 5, 0);
INSERT INTO comments (response_id, item_id, body) VALUES
    ('50d9ab461e460eca20e8370e818f2a7d', 6, 'Mere tid til borgerne, tak.'),
    ('14daee43bf97345df8f469995190e7f5', 6, 'God ledelse – især om vagtplanen.'),
    ('a0b4021151a749fc5ca811baab2ac469', 6, 'Vi mangler ''kolleger'' i weekenden.');
INSERT INTO settings (key, value) VALUES ('secret.csrf', 'djEtZml4dHVyZS1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=');
-- The ids above were given explicitly: move the identity sequences on.
SELECT setval(pg_get_serial_sequence('units', 'id'), (SELECT MAX(id) FROM units));
SELECT setval(pg_get_serial_sequence('questionnaires', 'id'), (SELECT MAX(id) FROM questionnaires));
SELECT setval(pg_get_serial_sequence('focus_areas', 'id'), (SELECT MAX(id) FROM focus_areas));
SELECT setval(pg_get_serial_sequence('dimensions', 'id'), (SELECT MAX(id) FROM dimensions));
SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT MAX(id) FROM items));
SELECT setval(pg_get_serial_sequence('rounds', 'id'), (SELECT MAX(id) FROM rounds));
SELECT setval(pg_get_serial_sequence('invitations', 'id'), (SELECT MAX(id) FROM invitations));
