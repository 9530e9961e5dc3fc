package survey_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tillid/tillid/survey"
	"github.com/tillid/tillid/survey/surveytest"
)

// createSample parses src and stores it as a new version.
func createSample(t *testing.T, s *survey.Store, src []byte) *survey.Questionnaire {
	t.Helper()
	q, err := survey.ParseQuestionnaire(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateQuestionnaire(context.Background(), q, src); err != nil {
		t.Fatal(err)
	}
	return q
}

func TestCreateQuestionnaire(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s := survey.NewStore(surveytest.Open(t))
		q := createSample(t, s, sample(nil))
		if q.ID == 0 || q.Version != 1 {
			t.Fatalf("got id %d, version %d; want an id, version 1", q.ID, q.Version)
		}
		for i, it := range q.Items {
			if it.ID == 0 || q.Sections[0].Items[i].ID != it.ID {
				t.Errorf("item %s: got id %d in Items, %d in Sections; want the same stored id", it.Key, it.ID, q.Sections[0].Items[i].ID)
			}
		}
		var n int
		if err := s.DB().Get(&n, s.DB().Rebind("SELECT COUNT(*) FROM items WHERE questionnaire_id = ? AND required = TRUE AND reverse = FALSE AND section = 's1'"), q.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := n, 1; got != want {
			t.Errorf("required items: got %d, want %d", got, want)
		}
		if err := s.DB().Get(&n, s.DB().Rebind("SELECT COUNT(*) FROM dimensions WHERE questionnaire_id = ? AND social_capital = TRUE"), q.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := n, 1; got != want {
			t.Errorf("social-capital dimensions: got %d, want %d", got, want)
		}
		var period string
		if err := s.DB().Get(&period, s.DB().Rebind("SELECT period_from || '/' || period_to FROM focus_areas WHERE questionnaire_id = ?"), q.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := period, "2018-01-01/2021-12-31"; got != want {
			t.Errorf("focus area period: got %q, want %q", got, want)
		}
	})
	t.Run("NewVersion", func(t *testing.T) {
		s := survey.NewStore(surveytest.Open(t))
		first := createSample(t, s, sample(nil))
		second := createSample(t, s, sample(map[int]string{16: `        text: {da: "Et nyt", en: "A new one"}`}))
		if second.Version != 2 || second.ID == first.ID || second.Items[0].ID == first.Items[0].ID {
			t.Errorf("got version %d, id %d, item id %d; want version 2 with new ids (first: id %d, item id %d)",
				second.Version, second.ID, second.Items[0].ID, first.ID, first.Items[0].ID)
		}
		other := createSample(t, s, sample(map[int]string{1: "key: other"}))
		if got, want := other.Version, 1; got != want {
			t.Errorf("other key: got version %d, want %d", got, want)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := survey.NewStore(surveytest.Open(t))
		src := sample(nil)
		versions := make([]int, 4)
		var wg sync.WaitGroup
		for i := range versions {
			wg.Go(func() {
				q, err := survey.ParseQuestionnaire(src)
				if err == nil {
					err = s.CreateQuestionnaire(ctx, q, src)
				}
				if err != nil {
					t.Error(err)
				}
				versions[i] = q.Version
			})
		}
		wg.Wait()
		seen := map[int]bool{}
		for _, v := range versions {
			seen[v] = true
		}
		if got, want := len(seen), len(versions); got != want {
			t.Errorf("got versions %v, want %d distinct ones", versions, want)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := survey.NewStore(surveytest.Open(t))
		q, err := survey.ParseQuestionnaire(sample(nil))
		if err != nil {
			t.Fatal(err)
		}
		q.Items[0].TextDA = "changed after parsing"
		err = s.CreateQuestionnaire(ctx, q, sample(nil))
		if !errors.Is(err, survey.ErrInvalid) {
			t.Fatalf("got %v, want ErrInvalid", err)
		}
		if qs, err := s.FindQuestionnaires(ctx); err != nil || len(qs) != 0 {
			t.Errorf("got %d questionnaires, %v; want none stored", len(qs), err)
		}
	})
}

func TestFindQuestionnaireByID(t *testing.T) {
	ctx := context.Background()
	s := survey.NewStore(surveytest.Open(t))
	created := createSample(t, s, sample(nil))
	t.Run("OK", func(t *testing.T) {
		q, err := s.FindQuestionnaireByID(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.ID != created.ID || q.Version != 1 || q.Intro("en") != "Introduction" || len(q.Sections) != 1 {
			t.Errorf("got %+v, want the stored questionnaire", q)
		}
		for i, it := range q.Items {
			if it != created.Items[i] || q.Sections[0].Items[i] != it {
				t.Errorf("item %d: got %+v, want %+v", i, it, created.Items[i])
			}
		}
		if it, ok := q.ItemByID(created.Items[2].ID); !ok || it.Key != "p1" {
			t.Errorf("ItemByID: got %q, %v; want p1", it.Key, ok)
		}
	})
	t.Run("CopyPerCaller", func(t *testing.T) {
		a, err := s.FindQuestionnaireByID(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		a.Items[0].TextDA = "changed"
		a.Sections[0].Items[0].TextDA = "changed"
		b, err := s.FindQuestionnaireByID(ctx, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := b.Items[0].TextDA, "Et"; got != want {
			t.Errorf("items: got %q, want %q", got, want)
		}
		if got, want := b.Sections[0].Items[0].TextDA, "Et"; got != want {
			t.Errorf("sections: got %q, want %q", got, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.FindQuestionnaireByID(ctx, created.ID+100); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestFindQuestionnaires(t *testing.T) {
	ctx := context.Background()
	s := survey.NewStore(surveytest.Open(t))
	createSample(t, s, sample(map[int]string{1: "key: zeta"}))
	createSample(t, s, sample(nil))
	createSample(t, s, sample(map[int]string{2: `title: {da: "Ny titel", en: "New title"}`}))
	qs, err := s.FindQuestionnaires(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range qs {
		got = append(got, fmt.Sprintf("%s/%s/%d", q.Key, q.TitleEN, q.Version))
		if q.ID == 0 || q.Items != nil {
			t.Errorf("%s: got id %d and %d items, want an id and no items", q.Key, q.ID, len(q.Items))
		}
	}
	if want := "test/Title/1 test/New title/2 zeta/Title/1"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestFindQuestionnaireVersions(t *testing.T) {
	ctx := context.Background()
	s := survey.NewStore(surveytest.Open(t))
	src := sample(map[int]string{4: "minutes: 7"})
	first := createSample(t, s, src)
	vs, err := s.FindQuestionnaireVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].ID != first.ID || vs[0].Version != 1 || vs[0].Items != len(first.Items) || vs[0].CreatedAt == 0 || vs[0].Title("en") != first.TitleEN {
		t.Errorf("got %+v, want version 1 of %q with %d items and a time", vs, first.TitleEN, len(first.Items))
	}
	t.Run("Source", func(t *testing.T) {
		got, err := s.FindQuestionnaireSource(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(src) {
			t.Errorf("got source %q, want %q", got, src)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.FindQuestionnaireSource(ctx, 999); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestLatestQuestionnaire(t *testing.T) {
	ctx := context.Background()
	s := survey.NewStore(surveytest.Open(t))
	createSample(t, s, sample(nil))
	second := createSample(t, s, sample(map[int]string{4: "minutes: 7"}))
	t.Run("OK", func(t *testing.T) {
		q, err := s.LatestQuestionnaire(ctx, "test")
		if err != nil {
			t.Fatal(err)
		}
		if q.ID != second.ID || q.Version != 2 || q.Minutes != 7 {
			t.Errorf("got id %d, version %d, minutes %d; want id %d, version 2, minutes 7", q.ID, q.Version, q.Minutes, second.ID)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.LatestQuestionnaire(ctx, "nope"); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestEnsureDefaultQuestionnaire(t *testing.T) {
	ctx := context.Background()
	s := survey.NewStore(surveytest.Open(t))
	first, err := s.EnsureDefaultQuestionnaire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Key != "tillid-standard" || first.Version != 1 || first.Items[0].ID == 0 {
		t.Fatalf("got %s version %d, item id %d; want tillid-standard version 1 with ids", first.Key, first.Version, first.Items[0].ID)
	}
	t.Run("Once", func(t *testing.T) {
		again, err := s.EnsureDefaultQuestionnaire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID {
			t.Errorf("got id %d, want %d", again.ID, first.ID)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := survey.NewStore(surveytest.Open(t))
		ids := make([]int64, 4)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				q, err := s.EnsureDefaultQuestionnaire(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = q.ID
			})
		}
		wg.Wait()
		qs, err := s.FindQuestionnaires(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(qs) != 1 || ids[0] != qs[0].ID || ids[1] != ids[0] || ids[2] != ids[0] || ids[3] != ids[0] {
			t.Errorf("got %d stored versions, ids %v; want one version, the same id", len(qs), ids)
		}
	})
	t.Run("Latest", func(t *testing.T) {
		src := []byte(strings.Replace(string(survey.DefaultQuestionnaire()), "minutes: 8", "minutes: 9", 1))
		newer := createSample(t, s, src)
		got, err := s.EnsureDefaultQuestionnaire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != newer.ID || got.Version != 2 || got.Minutes != 9 {
			t.Errorf("got id %d, version %d, minutes %d; want id %d, version 2, minutes 9", got.ID, got.Version, got.Minutes, newer.ID)
		}
	})
}
