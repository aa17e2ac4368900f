/*
 * profanity.c — the word lists of profanity.h.  Stems match a word that
 * starts with them ("shit" → "shitty", "bullshit" is listed itself);
 * whole words must match exactly (so "ass" does not take "assembly").
 */
#include "profanity.h"

#include <string.h>

#include "text.h"

static const char *const en_stems[] = {
	"fuck", "shit", "bitch", "bastard", "asshole", "dickhead", "motherfuck", "bullshit",
	"crap", "damn", "piss", "douche", "wanker", "twat", "cunt", "retard", "moron", "idiot",
	"stupid", "scum", "screw you", NULL
};
static const char *const en_words[] = {
	"ass", "dick", "jerk", "suck", "sucks", "sucked", "garbage seller", "wtf", "stfu", NULL
};
static const char *const zh_words[] = {
	"傻逼", "傻B", "傻b", "妈的", "他妈", "尼玛", "狗屎", "操你", "垃圾卖家", "滚蛋", "去死", "骗子",
	"脑残", "智障", "混蛋", "王八蛋", "贱", NULL
};

/* whether s[i..) starts with w, ASCII case folded, at a word start */
static int
starts_word(const char *s, size_t len, size_t i, const char *w, size_t n)
{
	if (i + n > len || (i > 0 && pt_ascii_alnum(s[i - 1])))
		return 0;
	for (size_t k = 0; k < n; k++)
	{
		char		c = s[i + k];

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != w[k])
			return 0;
	}
	return 1;
}

int
pt_has_profanity(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
	{
		if (pt_ascii_alnum(s[i]) && (i == 0 || !pt_ascii_alnum(s[i - 1])))
		{
			for (int k = 0; en_stems[k] != NULL; k++)
				if (starts_word(s, len, i, en_stems[k], strlen(en_stems[k])))
					return 1;
			for (int k = 0; en_words[k] != NULL; k++)
			{
				size_t		n = strlen(en_words[k]);

				if (starts_word(s, len, i, en_words[k], n) && (i + n == len || !pt_ascii_alnum(s[i + n])))
					return 1;
			}
		}
		else if ((unsigned char) s[i] >= 0xE0)
			for (int k = 0; zh_words[k] != NULL; k++)
			{
				size_t		n = strlen(zh_words[k]);

				if (i + n <= len && memcmp(s + i, zh_words[k], n) == 0)
					return 1;
			}
	}
	return 0;
}
