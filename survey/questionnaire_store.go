package survey

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"

	"github.com/jmoiron/sqlx"
)

// A questionnaire version is stored as its YAML source plus rows for its
// focus areas, dimensions and items, which SQL (metrics, answers) joins
// on. Reading a version parses the source again and attaches the item ids
// by key, so sections and texts need no tables of their own. Versions are
// never changed: an import is a new version.

// maxVersionAttempts bounds the retries when concurrent imports of one
// key race for the same version number.
const maxVersionAttempts = 5

// CreateQuestionnaire stores q, parsed from source by ParseQuestionnaire,
// as the next version of its key, and sets q.ID, q.Version and the ID of
// every item (in Items and in Sections).
func (s *Store) CreateQuestionnaire(ctx context.Context, q *Questionnaire, source []byte) error {
	if err := matchSource(q, source); err != nil {
		return fmt.Errorf("survey: create questionnaire: %w", err)
	}
	if _, err := s.createQuestionnaire(ctx, q, source, false); err != nil {
		return fmt.Errorf("survey: create questionnaire %s: %w", q.Key, err)
	}
	return nil
}

// matchSource checks that q is what source parses to, so that reading the
// stored source back yields the stored rows.
func matchSource(q *Questionnaire, source []byte) error {
	parsed, err := ParseQuestionnaire(source)
	if err != nil {
		return err
	}
	bare := q.clone()
	bare.ID, bare.Version = 0, 0
	bare.setItemIDs(nil)
	if !reflect.DeepEqual(bare, parsed) {
		return Invalidf("questionnaire %q differs from its source", q.Key)
	}
	return nil
}

// createQuestionnaire inserts q as version max+1 of its key or, when
// firstOnly, as version 1 unless any version exists; created reports
// whether a version was inserted.
func (s *Store) createQuestionnaire(ctx context.Context, q *Questionnaire, source []byte, firstOnly bool) (created bool, err error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	id, version, err := s.insertVersion(ctx, tx, q, source, firstOnly)
	if err != nil || id == 0 {
		return false, err
	}
	for i, f := range q.FocusAreas {
		if _, err := tx.ExecContext(ctx, s.rebind(`
			INSERT INTO focus_areas (questionnaire_id, key, name_da, name_en, period_from, period_to, position)
			VALUES (?, ?, ?, ?, ?, ?, ?)`),
			id, f.Key, f.NameDA, f.NameEN, f.From, f.To, i+1); err != nil {
			return false, fmt.Errorf("focus area %s: %w", f.Key, err)
		}
	}
	for i, d := range q.Dimensions {
		if _, err := tx.ExecContext(ctx, s.rebind(`
			INSERT INTO dimensions (questionnaire_id, key, name_da, name_en, social_capital, position)
			VALUES (?, ?, ?, ?, ?, ?)`),
			id, d.Key, d.NameDA, d.NameEN, d.SocialCapital, i+1); err != nil {
			return false, fmt.Errorf("dimension %s: %w", d.Key, err)
		}
	}
	ids := make(map[string]int64, len(q.Items))
	for _, it := range q.Items {
		var itemID int64
		if err := tx.QueryRowxContext(ctx, s.rebind(`
			INSERT INTO items (questionnaire_id, key, position, section, type, text_da, text_en, dimension, focus_area, reverse, required)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			id, it.Key, it.Position, it.Section, string(it.Type), it.TextDA, it.TextEN, it.Dimension, it.FocusArea, it.Reverse, it.Required,
		).Scan(&itemID); err != nil {
			return false, fmt.Errorf("item %s: %w", it.Key, err)
		}
		ids[it.Key] = itemID
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	q.ID, q.Version = id, version
	q.setItemIDs(ids)
	return true, nil
}

// insertVersion inserts the questionnaires row and returns its id and
// version; id is 0 when firstOnly and a version exists. A concurrent
// import taking the same version number makes the insert do nothing, and
// the next number is tried.
func (s *Store) insertVersion(ctx context.Context, tx *sqlx.Tx, q *Questionnaire, source []byte, firstOnly bool) (id int64, version int, err error) {
	for range maxVersionAttempts {
		version = 1
		if !firstOnly {
			if err := tx.GetContext(ctx, &version, s.rebind(
				"SELECT COALESCE(MAX(version), 0) + 1 FROM questionnaires WHERE key = ?"), q.Key); err != nil {
				return 0, 0, fmt.Errorf("next version: %w", err)
			}
		}
		err = tx.GetContext(ctx, &id, s.rebind(`
			INSERT INTO questionnaires (key, version, title_da, title_en, source, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (key, version) DO NOTHING
			RETURNING id`),
			q.Key, version, q.TitleDA, q.TitleEN, string(source), s.now().Unix())
		switch {
		case err == nil:
			return id, version, nil
		case !errors.Is(err, sql.ErrNoRows):
			return 0, 0, err
		case firstOnly:
			return 0, 0, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: version %d was taken by a concurrent import; try again", ErrConflict, version)
}

// FindQuestionnaireByID returns the questionnaire version with the given
// id, with its sections and item ids. Versions never change, so they are
// parsed once and cached; the caller gets its own copy.
func (s *Store) FindQuestionnaireByID(ctx context.Context, id int64) (*Questionnaire, error) {
	if q, ok := s.questionnaires.Load(id); ok {
		return q.(*Questionnaire).clone(), nil
	}
	var row struct {
		Key     string `db:"key"`
		Version int    `db:"version"`
		Source  string `db:"source"`
	}
	err := s.db.GetContext(ctx, &row, s.rebind("SELECT key, version, source FROM questionnaires WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("survey: find questionnaire %d: %w", id, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("survey: find questionnaire %d: %w", id, err)
	}
	q, err := ParseQuestionnaire([]byte(row.Source))
	if err != nil {
		return nil, fmt.Errorf("survey: find questionnaire %d: stored source: %w", id, err)
	}
	var items []struct {
		ID  int64  `db:"id"`
		Key string `db:"key"`
	}
	if err := s.db.SelectContext(ctx, &items, s.rebind("SELECT id, key FROM items WHERE questionnaire_id = ?"), id); err != nil {
		return nil, fmt.Errorf("survey: find questionnaire %d: items: %w", id, err)
	}
	ids := make(map[string]int64, len(items))
	for _, it := range items {
		ids[it.Key] = it.ID
	}
	q.ID, q.Version = id, row.Version
	q.setItemIDs(ids)
	s.questionnaires.Store(id, q)
	return q.clone(), nil
}

// FindQuestionnaires lists every stored version by key and version: ids,
// keys, versions and titles, without focus areas, dimensions or items.
func (s *Store) FindQuestionnaires(ctx context.Context) ([]Questionnaire, error) {
	var rows []struct {
		ID      int64  `db:"id"`
		Key     string `db:"key"`
		Version int    `db:"version"`
		TitleDA string `db:"title_da"`
		TitleEN string `db:"title_en"`
	}
	if err := s.db.SelectContext(ctx, &rows, s.rebind("SELECT id, key, version, title_da, title_en FROM questionnaires ORDER BY key, version")); err != nil {
		return nil, fmt.Errorf("survey: find questionnaires: %w", err)
	}
	qs := make([]Questionnaire, len(rows))
	for i, r := range rows {
		qs[i] = Questionnaire{ID: r.ID, Key: r.Key, Version: r.Version, TitleDA: r.TitleDA, TitleEN: r.TitleEN}
	}
	return qs, nil
}

// QuestionnaireVersion is one stored questionnaire version as a list
// shows it: its number of items and when it was stored (Unix seconds).
type QuestionnaireVersion struct {
	ID        int64  `db:"id"`
	Key       string `db:"key"`
	Version   int    `db:"version"`
	TitleDA   string `db:"title_da"`
	TitleEN   string `db:"title_en"`
	Items     int    `db:"items"`
	CreatedAt int64  `db:"created_at"`
}

// Title returns the version's title in lang.
func (v QuestionnaireVersion) Title(lang string) string { return localized(lang, v.TitleDA, v.TitleEN) }

// FindQuestionnaireVersions lists every stored version by key and
// version, with its number of items and time of storing.
func (s *Store) FindQuestionnaireVersions(ctx context.Context) ([]QuestionnaireVersion, error) {
	var vs []QuestionnaireVersion
	err := s.db.SelectContext(ctx, &vs, `
		SELECT q.id, q.key, q.version, q.title_da, q.title_en, q.created_at,
			(SELECT COUNT(*) FROM items i WHERE i.questionnaire_id = q.id) AS items
		FROM questionnaires q ORDER BY q.key, q.version`)
	if err != nil {
		return nil, fmt.Errorf("survey: find questionnaire versions: %w", err)
	}
	return vs, nil
}

// FindQuestionnaireSource returns the YAML source the version with id was
// stored from, byte for byte, or ErrNotFound.
func (s *Store) FindQuestionnaireSource(ctx context.Context, id int64) ([]byte, error) {
	var src string
	err := s.db.GetContext(ctx, &src, s.rebind("SELECT source FROM questionnaires WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("survey: find questionnaire source %d: %w", id, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("survey: find questionnaire source %d: %w", id, err)
	}
	return []byte(src), nil
}

// LatestQuestionnaire returns the newest version of the questionnaire key.
func (s *Store) LatestQuestionnaire(ctx context.Context, key string) (*Questionnaire, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, s.rebind("SELECT id FROM questionnaires WHERE key = ? ORDER BY version DESC LIMIT 1"), key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("survey: latest questionnaire %q: %w", key, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("survey: latest questionnaire %q: %w", key, err)
	}
	return s.FindQuestionnaireByID(ctx, id)
}

// EnsureDefaultQuestionnaire stores the embedded default questionnaire as
// version 1 of its key unless a version of that key exists, and returns
// the key's latest version. Concurrent callers store it once.
func (s *Store) EnsureDefaultQuestionnaire(ctx context.Context) (*Questionnaire, error) {
	source := DefaultQuestionnaire()
	q, err := ParseQuestionnaire(source)
	if err != nil {
		return nil, fmt.Errorf("survey: default questionnaire: %w", err)
	}
	created, err := s.createQuestionnaire(ctx, q, source, true)
	if err != nil {
		return nil, fmt.Errorf("survey: store default questionnaire: %w", err)
	}
	if created {
		return q, nil
	}
	return s.LatestQuestionnaire(ctx, q.Key)
}
