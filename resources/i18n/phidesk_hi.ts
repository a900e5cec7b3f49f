<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="hi" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>Qt bindings</source>
        <translation>Qt बाइंडिंग</translation>
    </message>
    <message>
        <source>System</source>
        <translation>सिस्टम</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>गोपनीयता</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>प्रोवाइडर</translation>
    </message>
    <message>
        <source>Loaded model</source>
        <translation>लोड किया गया मॉडल</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>डेटा फ़ोल्डर</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>मॉडल फ़ोल्डर</translation>
    </message>
    <message>
        <source>Settings folder</source>
        <translation>सेटिंग्स फ़ोल्डर</translation>
    </message>
    <message>
        <source>Logs folder</source>
        <translation>लॉग फ़ोल्डर</translation>
    </message>
    <message>
        <source>Cache folder</source>
        <translation>कैश फ़ोल्डर</translation>
    </message>
    <message>
        <source>available (loads a model)</source>
        <translation>उपलब्ध (मॉडल लोड होता है)</translation>
    </message>
    <message>
        <source>available (compiled in; not yet tried with a model)</source>
        <translation>उपलब्ध (बिल्ड में शामिल; अभी किसी मॉडल के साथ आज़माया नहीं गया)</translation>
    </message>
    <message>
        <source>not checked yet (the Models pane checks them at start)</source>
        <translation>अभी जाँचा नहीं गया (मॉडल पैनल शुरू होने पर इन्हें जाँचता है)</translation>
    </message>
    <message>
        <source>PhiDesk sends nothing: it uses the network only to download a model you chose. The runtime&apos;s own telemetry (onnxruntime, onnxruntime-genai) is turned off in every process.</source>
        <translation>PhiDesk कुछ भी नहीं भेजता: यह नेटवर्क का उपयोग केवल आपके चुने हुए मॉडल को डाउनलोड करने के लिए करता है। रनटाइम की अपनी टेलीमेट्री (onnxruntime, onnxruntime-genai) हर प्रोसेस में बंद है।</translation>
    </message>
    <message>
        <source>Provider {name}</source>
        <translation>प्रोवाइडर {name}</translation>
    </message>
    <message>
        <source>the CUDA build of onnxruntime-genai is not installed (see README: GPU builds)</source>
        <translation>onnxruntime-genai का CUDA बिल्ड इंस्टॉल नहीं है (README देखें: GPU बिल्ड)</translation>
    </message>
    <message>
        <source>this onnxruntime-genai build has no DirectML (Windows only)</source>
        <translation>इस onnxruntime-genai बिल्ड में DirectML नहीं है (सिर्फ़ Windows पर)</translation>
    </message>
    <message>
        <source>DirectML is Windows only</source>
        <translation>DirectML सिर्फ़ Windows पर चलता है</translation>
    </message>
    <message>
        <source>unknown reason</source>
        <translation>कारण पता नहीं</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>इंस्टॉल नहीं है</translation>
    </message>
    <message>
        <source>no usable NVIDIA GPU ({detail})</source>
        <translation>कोई इस्तेमाल लायक NVIDIA GPU नहीं ({detail})</translation>
    </message>
    <message>
        <source>not available: {reason}</source>
        <translation>उपलब्ध नहीं: {reason}</translation>
    </message>
    <message>
        <source>{version} (from Python)</source>
        <translation>{version} (Python से)</translation>
    </message>
    <message>
        <source>{version} (packaged app)</source>
        <translation>{version} (पैकेज किया गया ऐप)</translation>
    </message>
    <message>
        <source>About PhiDesk</source>
        <translation>PhiDesk के बारे में</translation>
    </message>
    <message>
        <source>Offline chat with small language models. Nothing you type or show it leaves this computer unless you start a download.</source>
        <translation>छोटे लैंग्वेज मॉडल के साथ ऑफ़लाइन चैट। आप जो भी लिखते या दिखाते हैं, वह इस कंप्यूटर से बाहर नहीं जाता, जब तक आप खुद कोई डाउनलोड शुरू न करें।</translation>
    </message>
    <message>
        <source>{model} on {provider}</source>
        <translation>{provider} पर {model}</translation>
    </message>
    <message>
        <source>{label}:</source>
        <translation>{label}:</translation>
    </message>
    <message>
        <source>Copy for a bug report</source>
        <translation>बग रिपोर्ट के लिए कॉपी करें</translation>
    </message>
    <message>
        <source>Copy these details for a bug report</source>
        <translation>बग रिपोर्ट के लिए ये जानकारियाँ कॉपी करें</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>कॉपी हो गया</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Other builds (cannot run on this computer)</source>
        <translation>अन्य बिल्ड (इस कंप्यूटर पर नहीं चल सकते)</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Conversation</source>
        <translation>बातचीत</translation>
    </message>
    <message>
        <source>Welcome</source>
        <translation>स्वागत</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message PhiDesk… (Enter sends, Shift+Enter for a new line; drop or paste images)</source>
        <translation>PhiDesk को संदेश लिखें… (Enter से भेजें, नई पंक्ति के लिए Shift+Enter; चित्र खींचकर छोड़ें या पेस्ट करें)</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>संदेश</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>भेजें</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>संदेश भेजें</translation>
    </message>
    <message>
        <source>Send (Enter)</source>
        <translation>भेजें (Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>रोकें</translation>
    </message>
    <message>
        <source>Stop the answer</source>
        <translation>उत्तर रोकें</translation>
    </message>
    <message>
        <source>Stop (Esc)</source>
        <translation>रोकें (Esc)</translation>
    </message>
    <message>
        <source>{file} (click for a preview)</source>
        <translation>{file} (पूर्वावलोकन के लिए क्लिक करें)</translation>
    </message>
    <message>
        <source>Image {file}</source>
        <translation>चित्र {file}</translation>
    </message>
    <message>
        <source>Remove image {file}</source>
        <translation>चित्र {file} हटाएँ</translation>
    </message>
    <message>
        <source>Remove {file}</source>
        <translation>{file} हटाएँ</translation>
    </message>
</context>
<context>
    <name>ContextOffer</name>
    <message>
        <source>{tokens:,} tokens × {per_token_kb:,.0f} KB = {kv_mb:,.0f} MB of KV cache per conversation, with {available_mb:,.0f} MB of memory available now</source>
        <translation>{tokens:,} टोकन × {per_token_kb:,.0f} KB = हर बातचीत के लिए {kv_mb:,.0f} MB KV कैश, जबकि अभी {available_mb:,.0f} MB मेमोरी उपलब्ध है</translation>
    </message>
</context>
<context>
    <name>Copy</name>
    <message>
        <source>Copied</source>
        <translation>कॉपी हो गया</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>PhiDesk: unexpected error</source>
        <translation>PhiDesk: अनपेक्षित त्रुटि</translation>
    </message>
    <message numerus="yes">
        <source>(and %n more)</source>
        <translation>
            <numerusform>(और %n अन्य)</numerusform>
            <numerusform>(और %n अन्य)</numerusform>
        </translation>
    </message>
    <message>
        <source>Something went wrong inside PhiDesk:
{errors}

Your conversations and what you typed are kept. The details are in the log file:
{log}</source>
        <translation>PhiDesk के भीतर कुछ गड़बड़ हो गई:
{errors}

आपकी बातचीत और आपका लिखा हुआ सुरक्षित है। विवरण लॉग फ़ाइल में है:
{log}</translation>
    </message>
</context>
<context>
    <name>Database</name>
    <message>
        <source>Update PhiDesk to open it, or open a fresh, empty history beside it.</source>
        <translation>इसे खोलने के लिए PhiDesk को अपडेट करें, या इसके बगल में एक नया, खाली इतिहास खोलें।</translation>
    </message>
    <message>
        <source>Close the other program (or another PhiDesk) and press Retry, or open a fresh history beside it.</source>
        <translation>दूसरा प्रोग्राम (या दूसरा PhiDesk) बंद करके फिर से कोशिश करें दबाएँ, या इसके बगल में नया इतिहास खोलें।</translation>
    </message>
    <message>
        <source>Check the file&apos;s permissions and press Retry, or open a fresh history beside it.</source>
        <translation>फ़ाइल की अनुमतियाँ जाँचकर फिर से कोशिश करें दबाएँ, या इसके बगल में नया इतिहास खोलें।</translation>
    </message>
    <message>
        <source>You can open a fresh, empty history beside it.</source>
        <translation>आप इसके बगल में एक नया, खाली इतिहास खोल सकते हैं।</translation>
    </message>
    <message>
        <source>Your conversation history
{path}
{reason}.

PhiDesk has not changed this file: it stays where it is, for a backup or a recovery tool. {advice}</source>
        <translation>आपकी बातचीत का इतिहास
{path}
{reason}।

PhiDesk ने इस फ़ाइल को नहीं बदला है: यह बैकअप या रिकवरी टूल के लिए अपनी जगह पर रहेगी। {advice}</translation>
    </message>
    <message>
        <source>Details are in the log: {log}</source>
        <translation>विवरण लॉग में है: {log}</translation>
    </message>
    <message>
        <source>PhiDesk cannot open your conversations</source>
        <translation>PhiDesk आपकी बातचीत नहीं खोल पा रहा है</translation>
    </message>
    <message>
        <source>Open a fresh history</source>
        <translation>नया इतिहास खोलें</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>फिर से कोशिश करें</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>बंद करें</translation>
    </message>
</context>
<context>
    <name>DatabaseErrors</name>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}: {reason}</translation>
    </message>
    <message>
        <source>cannot be read ({error})</source>
        <translation>पढ़ा नहीं जा सकता ({error})</translation>
    </message>
    <message>
        <source>is not an SQLite database (damaged, or another kind of file)</source>
        <translation>SQLite डेटाबेस नहीं है (खराब है, या किसी और तरह की फ़ाइल है)</translation>
    </message>
    <message>
        <source>is damaged (page size {size} in its header)</source>
        <translation>खराब है (इसके हेडर में पेज साइज़ {size} है)</translation>
    </message>
    <message>
        <source>is truncated ({size:,} bytes, but its header says {expected:,})</source>
        <translation>अधूरा है ({size:,} बाइट, जबकि इसका हेडर {expected:,} बताता है)</translation>
    </message>
    <message>
        <source>was written by a newer PhiDesk (schema version {found}; this one knows up to {known})</source>
        <translation>PhiDesk के नए संस्करण ने लिखा है (स्कीमा संस्करण {found}; यह संस्करण {known} तक ही जानता है)</translation>
    </message>
    <message>
        <source>is locked by another program (another PhiDesk, or a backup tool)</source>
        <translation>किसी दूसरे प्रोग्राम ने लॉक कर रखा है (कोई दूसरा PhiDesk, या कोई बैकअप टूल)</translation>
    </message>
    <message>
        <source>is not a usable conversation database ({error})</source>
        <translation>इस्तेमाल करने लायक बातचीत डेटाबेस नहीं है ({error})</translation>
    </message>
</context>
<context>
    <name>Downloads</name>
    <message>
        <source>The Hugging Face hub cannot be reached: check the network (or the Offline setting), then Retry.</source>
        <translation>Hugging Face हब तक नहीं पहुँचा जा सका: नेटवर्क (या ऑफ़लाइन सेटिंग) जाँचें, फिर दोबारा कोशिश करें।</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>कतार में</translation>
    </message>
    <message>
        <source>listing</source>
        <translation>फ़ाइलों की सूची ली जा रही है</translation>
    </message>
    <message>
        <source>downloading</source>
        <translation>डाउनलोड हो रहा है</translation>
    </message>
    <message>
        <source>verifying</source>
        <translation>जाँच हो रही है</translation>
    </message>
    <message>
        <source>installing</source>
        <translation>इंस्टॉल हो रहा है</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>रुका हुआ</translation>
    </message>
    <message>
        <source>done</source>
        <translation>पूरा हुआ</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>विफल</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>रद्द किया गया</translation>
    </message>
    <message>
        <source>the download failed</source>
        <translation>डाउनलोड विफल रहा</translation>
    </message>
    <message>
        <source>Download progress of {model}</source>
        <translation>{model} के डाउनलोड की प्रगति</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>रोकें</translation>
    </message>
    <message>
        <source>Pause or resume the download of {model}</source>
        <translation>{model} का डाउनलोड रोकें या फिर शुरू करें</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>दोबारा कोशिश करें</translation>
    </message>
    <message>
        <source>Retry the download of {model} where it stopped</source>
        <translation>{model} का डाउनलोड वहीं से दोबारा शुरू करें जहाँ वह रुका था</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>हटाएँ</translation>
    </message>
    <message>
        <source>Hide the failed download of {model} (what was downloaded stays)</source>
        <translation>{model} का विफल डाउनलोड छिपाएँ (जो डाउनलोड हो चुका है वह रहेगा)</translation>
    </message>
    <message>
        <source>Hide this row; what was downloaded stays for next time (Cancel deletes it)</source>
        <translation>यह पंक्ति छिपाएँ; जो डाउनलोड हो चुका है वह अगली बार के लिए रहेगा (रद्द करें उसे मिटा देता है)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>रद्द करें</translation>
    </message>
    <message>
        <source>Cancel the download of {model}</source>
        <translation>{model} का डाउनलोड रद्द करें</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{total} में से {done}</translation>
    </message>
    <message>
        <source> · {speed:,.1f} MB/s</source>
        <translation> · {speed:,.1f} MB/s</translation>
    </message>
    <message>
        <source> · {seconds:,.0f} s left</source>
        <translation> · {seconds:,.0f} सेकंड बाकी</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>फिर शुरू करें</translation>
    </message>
    <message>
        <source>the Hugging Face hub cannot be reached ({detail}): check the network (or the Offline setting), then try again</source>
        <translation>Hugging Face हब तक नहीं पहुँचा जा सका ({detail}): नेटवर्क (या ऑफ़लाइन सेटिंग) जाँचें, फिर दोबारा कोशिश करें</translation>
    </message>
    <message>
        <source>network error: {error} ({what})</source>
        <translation>नेटवर्क त्रुटि: {error} ({what})</translation>
    </message>
    <message>
        <source>{file} failed verification: {detail}</source>
        <translation>{file} जाँच में विफल रही: {detail}</translation>
    </message>
    <message>
        <source>the hub answered HTTP {status} for {what}</source>
        <translation>हब ने {what} के लिए HTTP {status} लौटाया</translation>
    </message>
    <message>
        <source>{file} failed verification: the hub sent more than the {size} bytes it listed</source>
        <translation>{file} जाँच में विफल रही: हब ने सूची में बताए {size} बाइट से ज़्यादा भेजे</translation>
    </message>
    <message>
        <source>the hub redirected too many times (a redirect loop?): {what}</source>
        <translation>हब ने बहुत बार रीडायरेक्ट किया (शायद रीडायरेक्ट का चक्र?): {what}</translation>
    </message>
    <message>
        <source>could not write {path}: {reason}</source>
        <translation>{path} लिखी नहीं जा सकी: {reason}</translation>
    </message>
    <message>
        <source>offline: HF_HUB_OFFLINE is set, so nothing can be downloaded (unset it to download)</source>
        <translation>ऑफ़लाइन: HF_HUB_OFFLINE सेट है, इसलिए कुछ भी डाउनलोड नहीं हो सकता (डाउनलोड करने के लिए इसे हटाएँ)</translation>
    </message>
    <message>
        <source>access denied (gated model or missing/invalid HF_TOKEN): {what}</source>
        <translation>पहुँच नहीं मिली (प्रतिबंधित मॉडल, या HF_TOKEN नहीं है या गलत है): {what}</translation>
    </message>
    <message>
        <source>not found on the hub: {what}</source>
        <translation>हब पर नहीं मिला: {what}</translation>
    </message>
    <message>
        <source>offline: {reason}</source>
        <translation>ऑफ़लाइन: {reason}</translation>
    </message>
    <message>
        <source>not found on the hub: {what} (if it is private or gated, set HF_TOKEN)</source>
        <translation>हब पर नहीं मिला: {what} (अगर यह निजी या प्रतिबंधित है, तो HF_TOKEN सेट करें)</translation>
    </message>
    <message>
        <source>the hub refused the request for {what}: {reason}</source>
        <translation>हब ने {what} का अनुरोध ठुकरा दिया: {reason}</translation>
    </message>
    <message>
        <source>the hub gave no commit for {repo}</source>
        <translation>हब ने {repo} का कोई कमिट नहीं दिया</translation>
    </message>
    <message>
        <source>the hub listing of {what} has an unsafe file name: {name}</source>
        <translation>हब पर {what} की सूची में एक असुरक्षित फ़ाइल नाम है: {name}</translation>
    </message>
    <message>
        <source>unexpected error: {error}</source>
        <translation>अनपेक्षित त्रुटि: {error}</translation>
    </message>
    <message>
        <source>a model named &apos;{model}&apos; is already installed (remove it first)</source>
        <translation>&apos;{model}&apos; नाम का मॉडल पहले से इंस्टॉल है (पहले उसे हटाएँ)</translation>
    </message>
    <message>
        <source>not found on the hub: {what} has no files</source>
        <translation>हब पर नहीं मिला: {what} में कोई फ़ाइल नहीं है</translation>
    </message>
    <message>
        <source>the hub&apos;s files differ from PhiDesk&apos;s catalog: {problems}</source>
        <translation>हब की फ़ाइलें PhiDesk के कैटलॉग से अलग हैं: {problems}</translation>
    </message>
    <message>
        <source>the downloaded files are not a usable model: {reason}</source>
        <translation>डाउनलोड की गई फ़ाइलें इस्तेमाल लायक मॉडल नहीं हैं: {reason}</translation>
    </message>
    <message>
        <source>not enough disk space: need {need:,.2f} GB, {free:,.2f} GB free (in {folder})</source>
        <translation>डिस्क में पर्याप्त जगह नहीं है: {need:,.2f} GB चाहिए, {free:,.2f} GB खाली है ({folder} में)</translation>
    </message>
    <message>
        <source>downloads are off: {variable} is set in the environment (unset it to download; installed models keep working)</source>
        <translation>डाउनलोड बंद हैं: एनवायरनमेंट में {variable} सेट है (डाउनलोड करने के लिए इसे हटाएँ; इंस्टॉल किए गए मॉडल चलते रहेंगे)</translation>
    </message>
    <message>
        <source>downloads are off: PhiDesk is in Offline mode (untick Offline in Settings to download; installed models keep working)</source>
        <translation>डाउनलोड बंद हैं: PhiDesk ऑफ़लाइन मोड में है (डाउनलोड करने के लिए सेटिंग्स में ऑफ़लाइन का निशान हटाएँ; इंस्टॉल किए गए मॉडल चलते रहेंगे)</translation>
    </message>
</context>
<context>
    <name>Endpoints</name>
    <message>
        <source>Edit endpoint</source>
        <translation>एंडपॉइंट बदलें</translation>
    </message>
    <message>
        <source>Add endpoint</source>
        <translation>एंडपॉइंट जोड़ें</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>प्रीसेट</translation>
    </message>
    <message>
        <source>Other (type the base URL)</source>
        <translation>अन्य (बेस URL लिखें)</translation>
    </message>
    <message>
        <source>Endpoint name</source>
        <translation>एंडपॉइंट का नाम</translation>
    </message>
    <message>
        <source>a short name, e.g. team-gpu</source>
        <translation>एक छोटा नाम, जैसे team-gpu</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>नाम</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>बेस URL</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API कुंजी</translation>
    </message>
    <message>
        <source>optional: leave empty for a server without a key</source>
        <translation>वैकल्पिक: बिना कुंजी वाले सर्वर के लिए खाली छोड़ दें</translation>
    </message>
    <message>
        <source>The key is kept in {store}, never in PhiDesk&apos;s files.</source>
        <translation>कुंजी {store} में रखी जाती है, PhiDesk की फ़ाइलों में कभी नहीं।</translation>
    </message>
    <message>
        <source>This computer has no credential store PhiDesk can use: the key is kept for this session only, and PhiDesk asks for it again after a restart.</source>
        <translation>इस कंप्यूटर पर ऐसा कोई क्रेडेंशियल स्टोर नहीं है जिसे PhiDesk उपयोग कर सके: कुंजी केवल इस सत्र के लिए रखी जाती है, और दोबारा शुरू करने के बाद PhiDesk इसे फिर से माँगता है।</translation>
    </message>
    <message>
        <source>Models to show</source>
        <translation>दिखाए जाने वाले मॉडल</translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation>सूची लाएँ</translation>
    </message>
    <message>
        <source>List the models the server offers (GET /models)</source>
        <translation>सर्वर जो मॉडल देता है उनकी सूची लाएँ (GET /models)</translation>
    </message>
    <message>
        <source>Model name to add</source>
        <translation>जोड़ने के लिए मॉडल का नाम</translation>
    </message>
    <message>
        <source>or type a model name and press Enter</source>
        <translation>या मॉडल का नाम लिखकर Enter दबाएँ</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>मॉडल</translation>
    </message>
    <message>
        <source>Type the base URL first (or pick a preset).</source>
        <translation>पहले बेस URL लिखें (या कोई प्रीसेट चुनें)।</translation>
    </message>
    <message>
        <source>Fetching…</source>
        <translation>सूची आ रही है…</translation>
    </message>
    <message>
        <source>The models could not be listed: {reason}. Type the model names instead.</source>
        <translation>मॉडलों की सूची नहीं मिल सकी: {reason}। इसके बजाय मॉडलों के नाम लिखें।</translation>
    </message>
    <message>
        <source>The server lists no models: type the model names instead.</source>
        <translation>सर्वर कोई मॉडल नहीं दिखाता: इसके बजाय मॉडलों के नाम लिखें।</translation>
    </message>
    <message>
        <source>Give the endpoint a name and a base URL.</source>
        <translation>एंडपॉइंट को एक नाम और एक बेस URL दें।</translation>
    </message>
    <message>
        <source>Choose at least one model: Fetch lists them, or type a name.</source>
        <translation>कम से कम एक मॉडल चुनें: &quot;सूची लाएँ&quot; उन्हें दिखाता है, या कोई नाम लिखें।</translation>
    </message>
    <message>
        <source>Choose at most {count} models.</source>
        <translation>अधिक से अधिक {count} मॉडल चुनें।</translation>
    </message>
    <message>
        <source>The key could not be stored: {reason}</source>
        <translation>कुंजी सहेजी नहीं जा सकी: {reason}</translation>
    </message>
    <message>
        <source>Remote endpoints (OpenAI API)</source>
        <translation>रिमोट एंडपॉइंट (OpenAI API)</translation>
    </message>
    <message>
        <source>None: every answer is made on this computer. Add an endpoint to chat with models served elsewhere (GitHub Models, Azure AI, NVIDIA NIM, Ollama, LM Studio, another PhiDesk); what you send to them leaves this computer.</source>
        <translation>कोई नहीं: हर जवाब इसी कंप्यूटर पर बनता है। कहीं और चल रहे मॉडलों (GitHub Models, Azure AI, NVIDIA NIM, Ollama, LM Studio, कोई दूसरा PhiDesk) से चैट करने के लिए एक एंडपॉइंट जोड़ें; उन्हें आप जो भेजते हैं वह इस कंप्यूटर से बाहर जाता है।</translation>
    </message>
    <message>
        <source>Remote endpoints and their models</source>
        <translation>रिमोट एंडपॉइंट और उनके मॉडल</translation>
    </message>
    <message>
        <source>Add endpoint…</source>
        <translation>एंडपॉइंट जोड़ें…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>बदलें…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>हटाएँ</translation>
    </message>
    <message>
        <source>{model} (remote)</source>
        <translation>{model} (रिमोट)</translation>
    </message>
    <message>
        <source>Remove endpoint</source>
        <translation>एंडपॉइंट हटाएँ</translation>
    </message>
    <message>
        <source>Remove the endpoint {name} and its key? Conversations that used it stay in the history.</source>
        <translation>एंडपॉइंट {name} और उसकी कुंजी हटाएँ? जिन बातचीतों में इसका उपयोग हुआ, वे इतिहास में बनी रहेंगी।</translation>
    </message>
    <message>
        <source>the Secret Service (GNOME Keyring, KWallet or KeePassXC)</source>
        <translation>Secret Service (GNOME Keyring, KWallet या KeePassXC)</translation>
    </message>
    <message>
        <source>KWallet</source>
        <translation>KWallet</translation>
    </message>
    <message>
        <source>the macOS Keychain</source>
        <translation>macOS कीचेन</translation>
    </message>
    <message>
        <source>Windows Credential Manager</source>
        <translation>Windows क्रेडेंशियल मैनेजर</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>The model process stopped; it starts again with the next message. Details: {detail}</source>
        <translation>मॉडल की प्रक्रिया रुक गई; अगले संदेश के साथ यह फिर शुरू होगी। विवरण: {detail}</translation>
    </message>
    <message>
        <source>No model is loaded: choose one in the model picker.</source>
        <translation>कोई मॉडल लोड नहीं है: मॉडल चुनने की सूची में से एक चुनें।</translation>
    </message>
    <message>
        <source>Loading the model was stopped (Stop or Esc); it loads again with the next message.</source>
        <translation>मॉडल का लोड होना रोक दिया गया (रोकें या Esc); अगले संदेश के साथ यह फिर लोड होगा।</translation>
    </message>
    <message>
        <source>The text holds characters that are not valid Unicode, so it was not sent.</source>
        <translation>टेक्स्ट में ऐसे अक्षर हैं जो मान्य यूनिकोड नहीं हैं, इसलिए इसे भेजा नहीं गया।</translation>
    </message>
    <message>
        <source>The model&apos;s chat template cannot be used. Details: {detail}</source>
        <translation>मॉडल का चैट टेम्पलेट इस्तेमाल नहीं किया जा सकता। विवरण: {detail}</translation>
    </message>
    <message>
        <source>This message does not fit the model&apos;s context: shorten it, or raise the context in Settings. Details: {detail}</source>
        <translation>यह संदेश मॉडल के कॉन्टेक्स्ट में नहीं समाता: इसे छोटा करें, या सेटिंग्स में कॉन्टेक्स्ट बढ़ाएँ। विवरण: {detail}</translation>
    </message>
    <message>
        <source>An image cannot be used. Details: {detail}</source>
        <translation>एक इमेज इस्तेमाल नहीं की जा सकती। विवरण: {detail}</translation>
    </message>
    <message>
        <source>This answer cannot be continued. Details: {detail}</source>
        <translation>यह जवाब आगे जारी नहीं किया जा सकता। विवरण: {detail}</translation>
    </message>
    <message>
        <source>The model could not be loaded. Details: {detail}</source>
        <translation>मॉडल लोड नहीं हो सका। विवरण: {detail}</translation>
    </message>
    <message>
        <source>The answer failed. Details: {detail}</source>
        <translation>जवाब नहीं बन सका। विवरण: {detail}</translation>
    </message>
    <message>
        <source>The disk is full: free some space, then try again. Details: {detail}</source>
        <translation>डिस्क भर गई है: कुछ जगह खाली करें, फिर दोबारा कोशिश करें। विवरण: {detail}</translation>
    </message>
</context>
<context>
    <name>Figures</name>
    <message>
        <source>{size} MB</source>
        <translation>{size} MB</translation>
    </message>
    <message>
        <source>{size} KB</source>
        <translation>{size} KB</translation>
    </message>
</context>
<context>
    <name>FileErrors</name>
    <message>
        <source>{where}: not a text file (not UTF-8)</source>
        <translation>{where}: टेक्स्ट फ़ाइल नहीं है (UTF-8 नहीं है)</translation>
    </message>
    <message>
        <source>{where}: nested {depth} levels deep (at most {limit} allowed)</source>
        <translation>{where}: {depth} स्तर तक नेस्टेड है (अधिकतम {limit} की अनुमति है)</translation>
    </message>
    <message>
        <source>{where}: not valid JSON (line {line}, column {column}: {reason})</source>
        <translation>{where}: मान्य JSON नहीं है (पंक्ति {line}, कॉलम {column}: {reason})</translation>
    </message>
    <message>
        <source>{where}: not valid JSON ({reason})</source>
        <translation>{where}: मान्य JSON नहीं है ({reason})</translation>
    </message>
    <message>
        <source>{path}: not a regular file</source>
        <translation>{path}: सामान्य फ़ाइल नहीं है</translation>
    </message>
    <message>
        <source>{path}: cannot be read ({error})</source>
        <translation>{path}: पढ़ी नहीं जा सकती ({error})</translation>
    </message>
    <message>
        <source>{path}: expected a JSON object, found {kind}</source>
        <translation>{path}: JSON ऑब्जेक्ट होना चाहिए था, पर {kind} मिला</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>एक सूची</translation>
    </message>
    <message>
        <source>text</source>
        <translation>टेक्स्ट</translation>
    </message>
    <message>
        <source>true/false</source>
        <translation>true/false</translation>
    </message>
    <message>
        <source>null</source>
        <translation>null</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>एक संख्या</translation>
    </message>
    <message>
        <source>{where}: larger than {size}</source>
        <translation>{where}: {size} से बड़ी है</translation>
    </message>
    <message>
        <source>{mb:g} MB</source>
        <translation>{mb:g} MB</translation>
    </message>
    <message>
        <source>{kb:g} KB</source>
        <translation>{kb:g} KB</translation>
    </message>
    <message>
        <source>disk full: could not write {path} (it is unchanged)</source>
        <translation>डिस्क भर गई है: {path} लिखी नहीं जा सकी (वह पहले जैसी ही है)</translation>
    </message>
    <message>
        <source>{path} is in use by another PhiDesk process (waited {seconds:g} s)</source>
        <translation>{path} किसी दूसरी PhiDesk प्रक्रिया के इस्तेमाल में है ({seconds:g} सेकंड प्रतीक्षा की)</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>When a conversation no longer fits, the oldest turns are left out of what the model reads (they stay in the history, and the answer&apos;s note says how many were left out).</source>
        <translation>जब बातचीत संदर्भ में नहीं समाती, तो सबसे पुराने हिस्से मॉडल के पढ़ने से छोड़ दिए जाते हैं (वे इतिहास में बने रहते हैं, और उत्तर के नोट में लिखा होता है कि कितने छोड़े गए)।</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>नई चैट</translation>
    </message>
    <message>
        <source>Conversation title</source>
        <translation>बातचीत का शीर्षक</translation>
    </message>
    <message>
        <source>Model for this chat</source>
        <translation>इस चैट का मॉडल</translation>
    </message>
    <message>
        <source>The model this chat uses; it loads when you send or pick one</source>
        <translation>यह चैट जिस मॉडल का उपयोग करती है; वह संदेश भेजने या मॉडल चुनने पर लोड होता है</translation>
    </message>
    <message>
        <source>Context used by this chat</source>
        <translation>इस चैट द्वारा उपयोग किया गया संदर्भ</translation>
    </message>
    <message>
        <source>context: no answer yet</source>
        <translation>संदर्भ: अभी कोई उत्तर नहीं</translation>
    </message>
    <message>
        <source>System prompt…</source>
        <translation>सिस्टम प्रॉम्प्ट…</translation>
    </message>
    <message>
        <source>This chat&apos;s system prompt</source>
        <translation>इस चैट का सिस्टम प्रॉम्प्ट</translation>
    </message>
    <message>
        <source>What the model is told before this chat (empty: the general one in Settings)</source>
        <translation>इस चैट से पहले मॉडल को क्या बताया जाता है (खाली हो तो सेटिंग्स वाला सामान्य प्रॉम्प्ट)</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>लोड नहीं है</translation>
    </message>
    <message>
        <source>{model} on {endpoint} (remote: what you send goes to {host})</source>
        <translation>{endpoint} पर {model} (रिमोट: आप जो भेजते हैं वह {host} को जाता है)</translation>
    </message>
    <message>
        <source>{model} (not installed)</source>
        <translation>{model} (इंस्टॉल नहीं है)</translation>
    </message>
    <message>
        <source>Get models…</source>
        <translation>मॉडल पाएँ…</translation>
    </message>
    <message>
        <source>context: {used} tokens</source>
        <translation>संदर्भ: {used} टोकन</translation>
    </message>
    <message>
        <source>{used} / {total} tokens · full</source>
        <translation>{used} / {total} टोकन · भरा हुआ</translation>
    </message>
    <message>
        <source>{used} / {total} tokens</source>
        <translation>{used} / {total} टोकन</translation>
    </message>
    <message>
        <source>{used} of {total} tokens of the context used</source>
        <translation>संदर्भ के {total} में से {used} टोकन उपयोग हुए</translation>
    </message>
    <message>
        <source>remote: {host}</source>
        <translation>रिमोट: {host}</translation>
    </message>
    <message>
        <source>This conversation is sent to {host} to be answered</source>
        <translation>जवाब पाने के लिए यह बातचीत {host} को भेजी जाती है</translation>
    </message>
    <message>
        <source>Remote conversation: sent to {host}</source>
        <translation>रिमोट बातचीत: {host} को भेजी जाती है</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>लोड हो रहा है…</translation>
    </message>
    <message>
        <source>What the model is told before this conversation (empty: the general one from Settings):</source>
        <translation>इस बातचीत से पहले मॉडल को क्या बताया जाए (खाली छोड़ें तो सेटिंग्स वाला सामान्य प्रॉम्प्ट):</translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <source>The images could not be kept in PhiDesk&apos;s data folder: {reason}</source>
        <translation>चित्र PhiDesk के डेटा फ़ोल्डर में सहेजे नहीं जा सके: {reason}</translation>
    </message>
    <message>
        <source>The images could not be kept: unexpected error {error} (details in {log})</source>
        <translation>चित्र सहेजे नहीं जा सके: अनपेक्षित त्रुटि {error} (विवरण {log} में)</translation>
    </message>
    <message>
        <source>{file}: the image could not be shown ({error})</source>
        <translation>{file}: चित्र दिखाया नहीं जा सका ({error})</translation>
    </message>
    <message>
        <source>{file}: the image could not be shown</source>
        <translation>{file}: चित्र दिखाया नहीं जा सका</translation>
    </message>
    <message>
        <source>Preview of {file}</source>
        <translation>{file} का पूर्वावलोकन</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>लोड हो रहा है…</translation>
    </message>
    <message>
        <source>Image {file}</source>
        <translation>चित्र {file}</translation>
    </message>
    <message>
        <source>Image details</source>
        <translation>चित्र का विवरण</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>बंद करें</translation>
    </message>
    <message>
        <source>Close the preview</source>
        <translation>पूर्वावलोकन बंद करें</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>बंद करें (Esc)</translation>
    </message>
    <message>
        <source>{file} · {dimensions} px · {format} · {size}</source>
        <translation>{file} · {dimensions} px · {format} · {size}</translation>
    </message>
</context>
<context>
    <name>ImportErrors</name>
    <message>
        <source>not a PhiDesk conversation: &apos;format&apos; must be {format}</source>
        <translation>PhiDesk बातचीत नहीं है: &apos;format&apos; {format} होना चाहिए</translation>
    </message>
    <message>
        <source>written by a newer PhiDesk (format version {version}; this one reads {known})</source>
        <translation>PhiDesk के नए संस्करण ने लिखी है (फ़ॉर्मैट संस्करण {version}; यह संस्करण {known} पढ़ता है)</translation>
    </message>
    <message>
        <source>&apos;version&apos; must be 1 or {known}</source>
        <translation>&apos;version&apos; 1 या {known} होना चाहिए</translation>
    </message>
    <message>
        <source>&apos;title&apos; must be a non-empty text of at most {limit} characters</source>
        <translation>&apos;title&apos; अधिकतम {limit} अक्षरों का ऐसा टेक्स्ट होना चाहिए जो खाली न हो</translation>
    </message>
    <message>
        <source>&apos;pinned&apos; must be true or false</source>
        <translation>&apos;pinned&apos; true या false होना चाहिए</translation>
    </message>
    <message>
        <source>&apos;messages&apos; must be a non-empty list</source>
        <translation>&apos;messages&apos; एक ऐसी सूची होनी चाहिए जो खाली न हो</translation>
    </message>
    <message>
        <source>a conversation can hold at most {limit} messages, this one has {count}</source>
        <translation>एक बातचीत में अधिकतम {limit} संदेश हो सकते हैं, इसमें {count} हैं</translation>
    </message>
    <message>
        <source>&apos;shown&apos; must be one of its messages</source>
        <translation>&apos;shown&apos; इसके संदेशों में से एक होना चाहिए</translation>
    </message>
    <message>
        <source>message {number}: </source>
        <translation>संदेश {number}: </translation>
    </message>
    <message>
        <source>{where}&apos;parent&apos; must be an earlier message (its index from 0) or null</source>
        <translation>{where}&apos;parent&apos; कोई पहले का संदेश (0 से गिना गया उसका क्रमांक) या null होना चाहिए</translation>
    </message>
    <message>
        <source>the file is larger than {mb} MB</source>
        <translation>फ़ाइल {mb} MB से बड़ी है</translation>
    </message>
    <message>
        <source>not a PhiDesk conversation: the file is not UTF-8 text</source>
        <translation>PhiDesk बातचीत नहीं है: फ़ाइल UTF-8 टेक्स्ट नहीं है</translation>
    </message>
    <message>
        <source>the file</source>
        <translation>फ़ाइल</translation>
    </message>
    <message>
        <source>not a PhiDesk conversation: the JSON holds a {kind}, not an object</source>
        <translation>PhiDesk बातचीत नहीं है: JSON में ऑब्जेक्ट नहीं, {kind} है</translation>
    </message>
    <message>
        <source>message {number} must be an object</source>
        <translation>संदेश {number} एक ऑब्जेक्ट होना चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;role&apos; must be system, user or assistant</source>
        <translation>{where}&apos;role&apos; system, user या assistant होना चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;content&apos; must be text</source>
        <translation>{where}&apos;content&apos; टेक्स्ट होना चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;images&apos; must be a list of at most {limit} file paths</source>
        <translation>{where}&apos;images&apos; अधिकतम {limit} फ़ाइल पाथ की सूची होनी चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;images&apos; must hold file paths</source>
        <translation>{where}&apos;images&apos; में फ़ाइल पाथ होने चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;status&apos; must be one of {statuses}</source>
        <translation>{where}&apos;status&apos; इनमें से एक होना चाहिए: {statuses}</translation>
    </message>
    <message>
        <source>{where}&apos;{key}&apos; must be text or null</source>
        <translation>{where}&apos;{key}&apos; टेक्स्ट या null होना चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;{key}&apos; must be text</source>
        <translation>{where}&apos;{key}&apos; टेक्स्ट होना चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;{key}&apos; must be an object or null</source>
        <translation>{where}&apos;{key}&apos; ऑब्जेक्ट या null होना चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;{key}&apos; must hold only JSON values</source>
        <translation>{where}&apos;{key}&apos; में सिर्फ़ JSON मान होने चाहिए</translation>
    </message>
    <message>
        <source>{where}&apos;{key}&apos; is not valid Unicode text</source>
        <translation>{where}&apos;{key}&apos; मान्य यूनिकोड टेक्स्ट नहीं है</translation>
    </message>
    <message>
        <source>the conversation holds more than {mb} MB of text</source>
        <translation>बातचीत में {mb} MB से ज़्यादा टेक्स्ट है</translation>
    </message>
    <message>
        <source>{where}&apos;{key}&apos; must be a time in seconds since 1970</source>
        <translation>{where}&apos;{key}&apos; 1970 से गिने गए सेकंड में समय होना चाहिए</translation>
    </message>
</context>
<context>
    <name>ImportModel</name>
    <message>
        <source>Import an onnxruntime-genai or Hugging Face model folder</source>
        <translation>onnxruntime-genai या Hugging Face मॉडल फ़ोल्डर इम्पोर्ट करें</translation>
    </message>
    <message>
        <source>Import a GGUF model file</source>
        <translation>GGUF मॉडल फ़ाइल इम्पोर्ट करें</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF मॉडल (*.gguf)</translation>
    </message>
    <message>
        <source>Name the model</source>
        <translation>मॉडल का नाम रखें</translation>
    </message>
    <message>
        <source>Import {name}, a GGUF file (converted for onnxruntime-genai; this takes a few minutes), as:</source>
        <translation>{name}, एक GGUF फ़ाइल (onnxruntime-genai के लिए बदली जाएगी; इसमें कुछ मिनट लगते हैं), इस नाम से इम्पोर्ट करें:</translation>
    </message>
    <message>
        <source>Import {name}, a model folder (copied), as:</source>
        <translation>{name}, एक मॉडल फ़ोल्डर (कॉपी किया जाएगा), इस नाम से इम्पोर्ट करें:</translation>
    </message>
    <message>
        <source>Model name</source>
        <translation>मॉडल का नाम</translation>
    </message>
    <message>
        <source>Why this name cannot be used</source>
        <translation>यह नाम क्यों इस्तेमाल नहीं हो सकता</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>इम्पोर्ट करें</translation>
    </message>
    <message>
        <source>Importing {name} as {model}…</source>
        <translation>{name} को {model} नाम से इम्पोर्ट किया जा रहा है…</translation>
    </message>
    <message>
        <source>Progress of the import of {model}</source>
        <translation>{model} के इम्पोर्ट की प्रगति</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>रद्द करें</translation>
    </message>
    <message>
        <source>Cancel the import of {model}</source>
        <translation>{model} का इम्पोर्ट रद्द करें</translation>
    </message>
    <message>
        <source>Import step</source>
        <translation>इम्पोर्ट का चरण</translation>
    </message>
    <message>
        <source>stopping…</source>
        <translation>रोका जा रहा है…</translation>
    </message>
    <message>
        <source>The import failed: unexpected error {error} (details in {log})</source>
        <translation>इम्पोर्ट विफल रहा: अनपेक्षित त्रुटि {error} (विवरण {log} में)</translation>
    </message>
    <message>
        <source>give the model a name</source>
        <translation>मॉडल को एक नाम दें</translation>
    </message>
    <message>
        <source>a name has at most {count} characters</source>
        <translation>नाम में ज़्यादा से ज़्यादा {count} अक्षर हो सकते हैं</translation>
    </message>
    <message>
        <source>use lower-case letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;, with a letter or digit at each end</source>
        <translation>छोटे अंग्रेज़ी अक्षर, अंक, &apos;.&apos;, &apos;_&apos; और &apos;-&apos; इस्तेमाल करें, और दोनों सिरों पर अक्षर या अंक रखें</translation>
    </message>
    <message>
        <source>a model named &apos;{model}&apos; is already installed: choose another name</source>
        <translation>&apos;{model}&apos; नाम का मॉडल पहले से इंस्टॉल है: कोई दूसरा नाम चुनें</translation>
    </message>
    <message>
        <source>{folder}: {name} is a link to {target}, outside the model folder (copy the file into the folder instead)</source>
        <translation>{folder}: {name} मॉडल फ़ोल्डर के बाहर {target} की ओर एक लिंक है (इसके बजाय फ़ाइल को फ़ोल्डर में कॉपी करें)</translation>
    </message>
    <message>
        <source>a model named &apos;{model}&apos; is already installed (remove it first, or import it under another id)</source>
        <translation>&apos;{model}&apos; नाम का मॉडल पहले से इंस्टॉल है (पहले उसे हटाएँ, या किसी दूसरे नाम से इम्पोर्ट करें)</translation>
    </message>
    <message>
        <source>not enough disk space: needs {needed:,.0f} MB free in {folder}</source>
        <translation>डिस्क में पर्याप्त जगह नहीं है: {folder} में {needed:,.0f} MB खाली जगह चाहिए</translation>
    </message>
    <message>
        <source>the conversion of {name} was stopped; nothing was installed</source>
        <translation>{name} का रूपांतरण रोक दिया गया; कुछ भी इंस्टॉल नहीं हुआ</translation>
    </message>
    <message>
        <source>converting needs the conversion tools: {command}</source>
        <translation>रूपांतरण के लिए रूपांतरण टूल चाहिए: {command}</translation>
    </message>
    <message>
        <source>exit status {code}</source>
        <translation>निकास स्थिति {code}</translation>
    </message>
    <message>
        <source>could not convert {name}: {why} (log: {log})</source>
        <translation>{name} का रूपांतरण नहीं हो सका: {why} (लॉग: {log})</translation>
    </message>
    <message>
        <source>{path}: no such file or folder</source>
        <translation>{path}: ऐसी कोई फ़ाइल या फ़ोल्डर नहीं है</translation>
    </message>
    <message>
        <source>{path}: is a file, not a model folder or a .gguf file</source>
        <translation>{path}: यह एक फ़ाइल है, मॉडल फ़ोल्डर या .gguf फ़ाइल नहीं</translation>
    </message>
    <message>
        <source>not enough disk space in {folder}</source>
        <translation>{folder} में डिस्क की पर्याप्त जगह नहीं है</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>unexpected error: {error} (details in {log})</source>
        <translation>अनपेक्षित त्रुटि: {error} (विवरण {log} में)</translation>
    </message>
    <message>
        <source>Could not open {path}: there is no such file.</source>
        <translation>{path} नहीं खुल सका: ऐसी कोई फ़ाइल नहीं है।</translation>
    </message>
    <message>
        <source>This conversation was changed in another window and has been reloaded.</source>
        <translation>यह बातचीत किसी दूसरी विंडो में बदली गई थी और फिर से लोड की गई है।</translation>
    </message>
    <message>
        <source>This conversation was changed in another window and has been reloaded. Your message is still in the box below: send it again if you still want to.</source>
        <translation>यह बातचीत किसी दूसरी विंडो में बदली गई थी और फिर से लोड की गई है। आपका संदेश अभी भी नीचे के बॉक्स में है: चाहें तो उसे फिर से भेजें।</translation>
    </message>
    <message>
        <source>This conversation was deleted in another window. Your message is still in the box below: send it again if you still want to.</source>
        <translation>यह बातचीत किसी दूसरी विंडो में हटा दी गई। आपका संदेश अभी भी नीचे के बॉक्स में है: चाहें तो उसे फिर से भेजें।</translation>
    </message>
    <message>
        <source>The local server could not start: {reason}</source>
        <translation>लोकल सर्वर शुरू नहीं हो सका: {reason}</translation>
    </message>
    <message>
        <source>No model is installed: open Get models… in the model menu above, or run &apos;phidesk models starter&apos;.</source>
        <translation>कोई मॉडल इंस्टॉल नहीं है: ऊपर मॉडल मेनू में «मॉडल पाएँ…» खोलें, या &apos;phidesk models starter&apos; चलाएँ।</translation>
    </message>
    <message>
        <source>The model is not ready: send the message again.</source>
        <translation>मॉडल अभी तैयार नहीं है: संदेश फिर से भेजें।</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>रद्द करें</translation>
    </message>
    <message>
        <source>This conversation was deleted in another window.</source>
        <translation>यह बातचीत किसी दूसरी विंडो में हटा दी गई।</translation>
    </message>
    <message>
        <source>Editing a message: send to add your new version (the old one and its answers stay: ‹ › switches between them), or Cancel.</source>
        <translation>संदेश संपादित हो रहा है: अपना नया संस्करण जोड़ने के लिए भेजें (पुराना संस्करण और उसके उत्तर बने रहते हैं: ‹ › से उनके बीच बदलें), या रद्द करें।</translation>
    </message>
    <message>
        <source>Wait for the answer to finish (or stop it) before loading another model.</source>
        <translation>दूसरा मॉडल लोड करने से पहले उत्तर पूरा होने दें (या उसे रोक दें)।</translation>
    </message>
    <message>
        <source>Model &apos;{model}&apos; is not usable: not installed</source>
        <translation>मॉडल &apos;{model}&apos; उपयोग नहीं किया जा सकता: इंस्टॉल नहीं है</translation>
    </message>
    <message>
        <source>Model &apos;{model}&apos; is not usable: {problem}</source>
        <translation>मॉडल &apos;{model}&apos; उपयोग नहीं किया जा सकता: {problem}</translation>
    </message>
    <message>
        <source>loading {model}…</source>
        <translation>{model} लोड हो रहा है…</translation>
    </message>
    <message>
        <source>running on {provider}</source>
        <translation>{provider} पर चल रहा है</translation>
    </message>
    <message>
        <source>no model loaded</source>
        <translation>कोई मॉडल लोड नहीं है</translation>
    </message>
    <message>
        <source>The model could not be loaded: {reason} (your message is back in the box)</source>
        <translation>मॉडल लोड नहीं हो सका: {reason} (आपका संदेश वापस बॉक्स में है)</translation>
    </message>
    <message>
        <source>The model could not be loaded: {reason}</source>
        <translation>मॉडल लोड नहीं हो सका: {reason}</translation>
    </message>
    <message>
        <source>Images need a vision model</source>
        <translation>चित्रों के लिए विज़न मॉडल चाहिए</translation>
    </message>
    <message>
        <source>{model} reads text only. Switch this conversation to {vision} to ask about images?</source>
        <translation>{model} केवल टेक्स्ट पढ़ता है। चित्रों के बारे में पूछने के लिए इस बातचीत को {vision} पर बदलें?</translation>
    </message>
    <message>
        <source>{model} reads text only. To ask about images, add a vision model such as Phi-3.5-vision (microsoft/Phi-3.5-vision-instruct-onnx).</source>
        <translation>{model} केवल टेक्स्ट पढ़ता है। चित्रों के बारे में पूछने के लिए कोई विज़न मॉडल जोड़ें, जैसे Phi-3.5-vision (microsoft/Phi-3.5-vision-instruct-onnx)।</translation>
    </message>
    <message>
        <source>first token {seconds} s · {speed} tok/s</source>
        <translation>पहला टोकन {seconds} सेकंड · {speed} टोकन/सेकंड</translation>
    </message>
    <message>
        <source>The larger context applies to this window but could not be saved: {reason}</source>
        <translation>बड़ा संदर्भ इस विंडो पर लागू है, पर सहेजा नहीं जा सका: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>One image costs about {image} tokens, so this {context}-token context holds %n image(s) with a question. This computer has room for {offer} tokens ({then} images): {arithmetic}.</source>
        <translation>
            <numerusform>एक चित्र में लगभग {image} टोकन लगते हैं, इसलिए {context} टोकन के इस संदर्भ में प्रश्न के साथ %n चित्र समाता है। इस कंप्यूटर में {offer} टोकन ({then} चित्र) की जगह है: {arithmetic}।</numerusform>
            <numerusform>एक चित्र में लगभग {image} टोकन लगते हैं, इसलिए {context} टोकन के इस संदर्भ में प्रश्न के साथ %n चित्र समाते हैं। इस कंप्यूटर में {offer} टोकन ({then} चित्र) की जगह है: {arithmetic}।</numerusform>
        </translation>
    </message>
    <message>
        <source>Use {tokens} tokens</source>
        <translation>{tokens} टोकन उपयोग करें</translation>
    </message>
    <message>
        <source>Loaded model</source>
        <translation>लोड किया गया मॉडल</translation>
    </message>
    <message>
        <source>Last answer speed</source>
        <translation>पिछले उत्तर की गति</translation>
    </message>
    <message>
        <source>About</source>
        <translation>परिचय</translation>
    </message>
    <message>
        <source>About PhiDesk (F1)</source>
        <translation>PhiDesk का परिचय (F1)</translation>
    </message>
    <message>
        <source>Versions, providers and folders, for bug reports (F1)</source>
        <translation>संस्करण, प्रोवाइडर और फ़ोल्डर, बग रिपोर्ट के लिए (F1)</translation>
    </message>
    <message>
        <source>{gpu} ({memory} MB)</source>
        <translation>{gpu} ({memory} MB)</translation>
    </message>
    <message>
        <source>The settings apply to this window but could not be saved: {reason}</source>
        <translation>सेटिंग्स इस विंडो पर लागू हैं, पर सहेजी नहीं जा सकीं: {reason}</translation>
    </message>
    <message>
        <source>Answers not saved yet</source>
        <translation>उत्तर अभी सहेजे नहीं गए</translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s) could not be saved because the disk holding {folder} is full. Free some space and press Retry, or copy them to the clipboard before quitting.</source>
        <translation>
            <numerusform>%n उत्तर सहेजा नहीं जा सका क्योंकि {folder} वाली डिस्क भर गई है। कुछ जगह खाली करके फिर से कोशिश करें दबाएँ, या बंद करने से पहले उसे क्लिपबोर्ड पर कॉपी कर लें।</numerusform>
            <numerusform>%n उत्तर सहेजे नहीं जा सके क्योंकि {folder} वाली डिस्क भर गई है। कुछ जगह खाली करके फिर से कोशिश करें दबाएँ, या बंद करने से पहले उन्हें क्लिपबोर्ड पर कॉपी कर लें।</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>फिर से कोशिश करें</translation>
    </message>
    <message>
        <source>Copy and quit</source>
        <translation>कॉपी करके बंद करें</translation>
    </message>
    <message>
        <source>Keep PhiDesk open</source>
        <translation>PhiDesk खुला रखें</translation>
    </message>
    <message>
        <source>stopping: reading the last part of the prompt…</source>
        <translation>रोका जा रहा है: प्रॉम्प्ट का आख़िरी हिस्सा पढ़ा जा रहा है…</translation>
    </message>
    <message>
        <source>There is disk space again: every answer is saved.</source>
        <translation>डिस्क पर फिर से जगह है: सभी उत्तर सहेज लिए गए हैं।</translation>
    </message>
    <message>
        <source>{model} · restarting on the next message</source>
        <translation>{model} · अगले संदेश पर फिर से शुरू होगा</translation>
    </message>
    <message numerus="yes">
        <source>The conversation no longer fits the context: the %n oldest turn(s) were left out of this answer.</source>
        <translation>
            <numerusform>बातचीत अब संदर्भ में नहीं समाती: इस उत्तर में सबसे पुराना %n हिस्सा छोड़ दिया गया।</numerusform>
            <numerusform>बातचीत अब संदर्भ में नहीं समाती: इस उत्तर में सबसे पुराने %n हिस्से छोड़ दिए गए।</numerusform>
        </translation>
    </message>
    <message>
        <source>The {notice}.</source>
        <translation>{notice}।</translation>
    </message>
</context>
<context>
    <name>Message</name>
    <message>
        <source>Copy</source>
        <translation>कॉपी करें</translation>
    </message>
    <message>
        <source>Copy this code</source>
        <translation>यह कोड कॉपी करें</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>कोड कॉपी करें</translation>
    </message>
    <message>
        <source>Code ({language})</source>
        <translation>कोड ({language})</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>कोड</translation>
    </message>
    <message>
        <source>writing…</source>
        <translation>लिख रहा है…</translation>
    </message>
    <message>
        <source>thinking…</source>
        <translation>सोच रहा है…</translation>
    </message>
    <message>
        <source>waiting for {host}…</source>
        <translation>{host} के जवाब का इंतज़ार…</translation>
    </message>
    <message>
        <source>You</source>
        <translation>आप</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>सहायक</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>आपका संदेश</translation>
    </message>
    <message>
        <source>Answer from {model}</source>
        <translation>{model} का उत्तर</translation>
    </message>
    <message>
        <source>Reading the prompt</source>
        <translation>प्रॉम्प्ट पढ़ा जा रहा है</translation>
    </message>
    <message>
        <source>Image {number}: {file}</source>
        <translation>चित्र {number}: {file}</translation>
    </message>
    <message>
        <source>{image} (click for a preview)</source>
        <translation>{image} (पूर्वावलोकन के लिए क्लिक करें)</translation>
    </message>
    <message numerus="yes">
        <source>A long message ({count} characters) is shown as plain text, long lines in pieces. Copy copies all of it exactly.</source>
        <translation>
            <numerusform>एक लंबा संदेश ({count} अक्षर) सादे टेक्स्ट के रूप में दिखाया गया है, लंबी पंक्तियाँ टुकड़ों में। कॉपी करने पर पूरा संदेश ज्यों का त्यों कॉपी होता है।</numerusform>
            <numerusform>एक लंबा संदेश ({count} अक्षर) सादे टेक्स्ट के रूप में दिखाया गया है, लंबी पंक्तियाँ टुकड़ों में। कॉपी करने पर पूरा संदेश ज्यों का त्यों कॉपी होता है।</numerusform>
        </translation>
    </message>
    <message>
        <source>Reading the prompt: {done} / {total} tokens · about {seconds} s left</source>
        <translation>प्रॉम्प्ट पढ़ा जा रहा है: {done} / {total} टोकन · लगभग {seconds} सेकंड बाकी</translation>
    </message>
    <message>
        <source>Reading the prompt: {done} / {total} tokens</source>
        <translation>प्रॉम्प्ट पढ़ा जा रहा है: {done} / {total} टोकन</translation>
    </message>
    <message>
        <source>Open link?</source>
        <translation>लिंक खोलें?</translation>
    </message>
    <message>
        <source>This link comes from the model&apos;s answer. Open it in your browser?

{url}</source>
        <translation>यह लिंक मॉडल के उत्तर से आया है। इसे अपने ब्राउज़र में खोलें?

{url}</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>पिछला संस्करण</translation>
    </message>
    <message>
        <source>Show the previous version</source>
        <translation>पिछला संस्करण दिखाएँ</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>अगला संस्करण</translation>
    </message>
    <message>
        <source>Show the next version</source>
        <translation>अगला संस्करण दिखाएँ</translation>
    </message>
    <message>
        <source>Version {index} of {count}</source>
        <translation>{count} में से संस्करण {index}</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>यह संदेश कॉपी करें</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>संपादित करें</translation>
    </message>
    <message>
        <source>Edit this message and send it again</source>
        <translation>यह संदेश संपादित करके फिर से भेजें</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>फिर से बनाएँ</translation>
    </message>
    <message>
        <source>Write this answer again</source>
        <translation>यह उत्तर फिर से लिखवाएँ</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>जारी रखें</translation>
    </message>
    <message>
        <source>Continue this answer</source>
        <translation>यह उत्तर आगे लिखवाएँ</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>हटाएँ</translation>
    </message>
    <message>
        <source>Delete this message</source>
        <translation>यह संदेश हटाएँ</translation>
    </message>
    <message>
        <source>Delete this message?</source>
        <translation>यह संदेश हटाएँ?</translation>
    </message>
    <message>
        <source>This message is deleted (its other versions stay). The messages after it stay in the conversation.</source>
        <translation>यह संदेश हटा दिया जाएगा (इसके दूसरे संस्करण बने रहेंगे)। इसके बाद के संदेश बातचीत में बने रहेंगे।</translation>
    </message>
    <message>
        <source>cut: the connection to the server broke here</source>
        <translation>अधूरा: सर्वर से कनेक्शन यहाँ टूट गया</translation>
    </message>
    <message>
        <source>stopped · {figures}</source>
        <translation>रोका गया · {figures}</translation>
    </message>
    <message>
        <source>cut at the token limit · {figures}</source>
        <translation>टोकन सीमा पर कट गया · {figures}</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>रोका गया</translation>
    </message>
    <message>
        <source>cut at the token limit</source>
        <translation>टोकन सीमा पर कट गया</translation>
    </message>
    <message>
        <source>interrupted (the app was closed)</source>
        <translation>बीच में रुका (ऐप बंद हो गया था)</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>विफल</translation>
    </message>
    <message>
        <source>reading the prompt…</source>
        <translation>प्रॉम्प्ट पढ़ रहा है…</translation>
    </message>
    <message>
        <source>Answer finished: {text}</source>
        <translation>उत्तर पूरा हुआ: {text}</translation>
    </message>
</context>
<context>
    <name>ModelFolderErrors</name>
    <message>
        <source>{folder}: no {file} ({what})</source>
        <translation>{folder}: {file} नहीं है ({what})</translation>
    </message>
    <message>
        <source>{file}: larger than {kb} KB</source>
        <translation>{file}: {kb} KB से बड़ी है</translation>
    </message>
    <message>
        <source>{file}: not UTF-8 text</source>
        <translation>{file}: UTF-8 टेक्स्ट नहीं है</translation>
    </message>
    <message>
        <source>{file}: cannot be read ({error})</source>
        <translation>{file}: पढ़ी नहीं जा सकती ({error})</translation>
    </message>
    <message>
        <source>tokenizer settings</source>
        <translation>टोकनाइज़र की सेटिंग्स</translation>
    </message>
    <message>
        <source>{folder}: no chat template (chat_template.jinja or tokenizer_config.json &apos;chat_template&apos;)</source>
        <translation>{folder}: कोई चैट टेम्पलेट नहीं है (chat_template.jinja या tokenizer_config.json का &apos;chat_template&apos;)</translation>
    </message>
    <message>
        <source>{folder}: genai_config.json names no {part} model file</source>
        <translation>{folder}: genai_config.json में {part} मॉडल फ़ाइल का नाम नहीं है</translation>
    </message>
    <message>
        <source>{folder}: genai_config.json points outside the folder ({name})</source>
        <translation>{folder}: genai_config.json फ़ोल्डर के बाहर की ओर इशारा करती है ({name})</translation>
    </message>
    <message>
        <source>{folder}: no such file or folder</source>
        <translation>{folder}: ऐसी कोई फ़ाइल या फ़ोल्डर नहीं है</translation>
    </message>
    <message>
        <source>{folder}: is a file, not a model folder (import GGUF files with &apos;phidesk models import&apos;)</source>
        <translation>{folder}: यह एक फ़ाइल है, मॉडल फ़ोल्डर नहीं (GGUF फ़ाइलें &apos;phidesk models import&apos; से इम्पोर्ट करें)</translation>
    </message>
    <message>
        <source>{folder}: the folder is empty (expected genai_config.json and .onnx files)</source>
        <translation>{folder}: फ़ोल्डर खाली है (genai_config.json और .onnx फ़ाइलें होनी चाहिए थीं)</translation>
    </message>
    <message>
        <source>not an onnxruntime-genai model folder</source>
        <translation>onnxruntime-genai मॉडल फ़ोल्डर नहीं है</translation>
    </message>
    <message>
        <source>{folder}: genai_config.json has no &apos;model&apos; section</source>
        <translation>{folder}: genai_config.json में &apos;model&apos; खंड नहीं है</translation>
    </message>
    <message>
        <source>{folder}: genai_config.json does not say the model type</source>
        <translation>{folder}: genai_config.json मॉडल का प्रकार नहीं बताती</translation>
    </message>
    <message>
        <source>{folder}: genai_config.json has no valid context_length</source>
        <translation>{folder}: genai_config.json में मान्य context_length नहीं है</translation>
    </message>
    <message>
        <source>{folder}: the model file {name} is missing</source>
        <translation>{folder}: मॉडल फ़ाइल {name} मौजूद नहीं है</translation>
    </message>
    <message>
        <source>{folder}: {name} points outside the folder ({data})</source>
        <translation>{folder}: {name} फ़ोल्डर के बाहर की ओर इशारा करती है ({data})</translation>
    </message>
    <message>
        <source>{folder}: {data} is missing (the weights of {name})</source>
        <translation>{folder}: {data} मौजूद नहीं है ({name} के वेट्स)</translation>
    </message>
    <message>
        <source>{folder}: no tokenizer (tokenizer.json)</source>
        <translation>{folder}: कोई टोकनाइज़र नहीं है (tokenizer.json)</translation>
    </message>
</context>
<context>
    <name>ModelManager</name>
    <message>
        <source>Conversations kept warm: up to {caches} (switching back to one reads only its new text). Each keeps a KV cache of {cache} ({tokens:,} tokens × {per_token_kb:,.0f} KB); the budget is {budget} (Settings: memory for conversations; automatic: half of the memory free after loading).</source>
        <translation>तैयार रखी गई बातचीतें: अधिकतम {caches} (किसी पर वापस जाने पर सिर्फ़ उसका नया टेक्स्ट पढ़ा जाता है)। हर एक {cache} का KV कैश रखती है ({tokens:,} टोकन × {per_token_kb:,.0f} KB); बजट {budget} है (सेटिंग्स: बातचीतों के लिए मेमोरी; स्वचालित: लोड होने के बाद खाली मेमोरी का आधा)।</translation>
    </message>
    <message>
        <source>none found</source>
        <translation>कोई नहीं मिला</translation>
    </message>
    <message>
        <source>{providers}, as found on {date}</source>
        <translation>{providers}, {date} को मिली जानकारी के अनुसार</translation>
    </message>
    <message>
        <source>{gpu} ({vram})</source>
        <translation>{gpu} ({vram})</translation>
    </message>
    <message>
        <source>no GPU found</source>
        <translation>कोई GPU नहीं मिला</translation>
    </message>
    <message numerus="yes">
        <source>{cpu}, %n thread(s) · {free} of {total} RAM free · {gpus} · providers: {providers}</source>
        <translation>
            <numerusform>{cpu}, %n थ्रेड · {total} में से {free} RAM खाली · {gpus} · प्रोवाइडर: {providers}</numerusform>
            <numerusform>{cpu}, %n थ्रेड · {total} में से {free} RAM खाली · {gpus} · प्रोवाइडर: {providers}</numerusform>
        </translation>
    </message>
    <message>
        <source>This machine:</source>
        <translation>यह मशीन:</translation>
    </message>
    <message>
        <source>check again</source>
        <translation>फिर से जाँचें</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>मॉडल</translation>
    </message>
    <message>
        <source>Looking at this machine…</source>
        <translation>इस मशीन की जाँच हो रही है…</translation>
    </message>
    <message>
        <source>This machine</source>
        <translation>यह मशीन</translation>
    </message>
    <message>
        <source>Get models</source>
        <translation>मॉडल पाएँ</translation>
    </message>
    <message>
        <source>Model catalog</source>
        <translation>मॉडल कैटलॉग</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>मॉडल</translation>
    </message>
    <message>
        <source>Build</source>
        <translation>बिल्ड</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>आकार</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>नतीजा</translation>
    </message>
    <message>
        <source>Why this verdict</source>
        <translation>यह नतीजा क्यों</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>डाउनलोड करें</translation>
    </message>
    <message>
        <source>Download the selected model</source>
        <translation>चुना गया मॉडल डाउनलोड करें</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>डाउनलोड</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>इंस्टॉल किए गए</translation>
    </message>
    <message>
        <source>Installed models</source>
        <translation>इंस्टॉल किए गए मॉडल</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>प्रकार</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>कॉन्टेक्स्ट</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>स्थिति</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>लोड करें</translation>
    </message>
    <message>
        <source>Load the selected model</source>
        <translation>चुना गया मॉडल लोड करें</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>अनलोड करें</translation>
    </message>
    <message>
        <source>Unload the model</source>
        <translation>मॉडल अनलोड करें</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>हटाएँ…</translation>
    </message>
    <message>
        <source>Remove the selected model</source>
        <translation>चुना गया मॉडल हटाएँ</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>इम्पोर्ट करें…</translation>
    </message>
    <message>
        <source>Import a model folder or GGUF file</source>
        <translation>मॉडल फ़ोल्डर या GGUF फ़ाइल इम्पोर्ट करें</translation>
    </message>
    <message>
        <source>Model folder…</source>
        <translation>मॉडल फ़ोल्डर…</translation>
    </message>
    <message>
        <source>GGUF file…</source>
        <translation>GGUF फ़ाइल…</translation>
    </message>
    <message>
        <source>Conversations kept warm</source>
        <translation>तैयार रखी गई बातचीतें</translation>
    </message>
    <message>
        <source>Trying the providers again (a model is loaded in a helper process)…</source>
        <translation>प्रोवाइडर फिर से आज़माए जा रहे हैं (एक सहायक प्रक्रिया में मॉडल लोड किया जा रहा है)…</translation>
    </message>
    <message>
        <source>{model}: stopped last time — Resume to continue</source>
        <translation>{model}: पिछली बार रुक गया था — जारी रखने के लिए फिर शुरू करें दबाएँ</translation>
    </message>
    <message>
        <source>{error} (details in {log})</source>
        <translation>{error} (विवरण {log} में)</translation>
    </message>
    <message>
        <source>Could not look at this machine: {error}</source>
        <translation>इस मशीन की जाँच नहीं हो सकी: {error}</translation>
    </message>
    <message>
        <source>This machine is still being looked at: try again in a moment.</source>
        <translation>इस मशीन की जाँच अभी चल रही है: थोड़ी देर में फिर कोशिश करें।</translation>
    </message>
    <message>
        <source>Download {model}, the {build} build: {size} to download, {memory} of memory when it runs ({verdict} here)?</source>
        <translation>{model} का {build} बिल्ड डाउनलोड करें: {size} डाउनलोड होगा, चलने पर {memory} मेमोरी लगेगी (यहाँ: {verdict})?</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>डाउनलोड रद्द करें</translation>
    </message>
    <message>
        <source>Cancel {model} and delete what was downloaded?</source>
        <translation>{model} रद्द करें और जो डाउनलोड हुआ है उसे मिटा दें?</translation>
    </message>
    <message>
        <source>broken</source>
        <translation>खराब</translation>
    </message>
    <message>
        <source>vision</source>
        <translation>विज़न</translation>
    </message>
    <message>
        <source>text</source>
        <translation>टेक्स्ट</translation>
    </message>
    <message>
        <source>loaded · {provider}</source>
        <translation>लोड है · {provider}</translation>
    </message>
    <message>
        <source>Remove model</source>
        <translation>मॉडल हटाएँ</translation>
    </message>
    <message>
        <source>{model} is loaded: unload it first.</source>
        <translation>{model} लोड है: पहले उसे अनलोड करें।</translation>
    </message>
    <message>
        <source>Delete {model} and its files from this computer?</source>
        <translation>{model} और उसकी फ़ाइलें इस कंप्यूटर से मिटा दें?</translation>
    </message>
</context>
<context>
    <name>Notes</name>
    <message>
        <source>image {costs} of {prompt} prompt tokens</source>
        <translation>चित्र {costs}, प्रॉम्प्ट के {prompt} टोकन में से</translation>
    </message>
    <message>
        <source>images {costs} of {prompt} prompt tokens</source>
        <translation>चित्र {costs}, प्रॉम्प्ट के {prompt} टोकन में से</translation>
    </message>
    <message numerus="yes">
        <source>{count} tokens</source>
        <translation>
            <numerusform>{count} टोकन</numerusform>
            <numerusform>{count} टोकन</numerusform>
        </translation>
    </message>
    <message>
        <source>{speed} tok/s</source>
        <translation>{speed} टोकन/सेकंड</translation>
    </message>
    <message>
        <source>first token {seconds} s</source>
        <translation>पहला टोकन {seconds} सेकंड</translation>
    </message>
</context>
<context>
    <name>Notices</name>
    <message>
        <source>Dismiss this notice</source>
        <translation>यह सूचना हटाएँ</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>हटाएँ</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>सूचना</translation>
    </message>
    <message>
        <source>Notices</source>
        <translation>सूचनाएँ</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <source>(none)</source>
        <translation>(कोई नहीं)</translation>
    </message>
    <message>
        <source>Helpful assistant</source>
        <translation>मददगार सहायक</translation>
    </message>
    <message>
        <source>Concise</source>
        <translation>संक्षिप्त</translation>
    </message>
    <message>
        <source>Coding helper</source>
        <translation>कोडिंग सहायक</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>शिक्षक</translation>
    </message>
    <message>
        <source>Answer in Hindi</source>
        <translation>हिन्दी में उत्तर दें</translation>
    </message>
    <message>
        <source>Answer in {language}</source>
        <translation>{language} में उत्तर दें</translation>
    </message>
</context>
<context>
    <name>Remote</name>
    <message>
        <source>a remote endpoint takes only a JSON schema as the answer&apos;s form, not {kind}</source>
        <translation>रिमोट एंडपॉइंट उत्तर के रूप के लिए सिर्फ़ JSON स्कीमा लेता है, {kind} नहीं</translation>
    </message>
    <message>
        <source>the answer from {host} broke off before its end: what came is kept, marked incomplete. {why}</source>
        <translation>{host} से आया उत्तर बीच में ही टूट गया: जितना आया वह रखा गया है, अधूरा चिह्नित करके। {why}</translation>
    </message>
    <message>
        <source>complete the base URL {url}: replace the part in &lt;...&gt; with your own</source>
        <translation>बेस URL {url} पूरा करें: &lt;...&gt; वाले हिस्से की जगह अपना पता लिखें</translation>
    </message>
    <message>
        <source>no endpoint named {name}: add it with phidesk endpoints add, or in Settings</source>
        <translation>{name} नाम का कोई एंडपॉइंट नहीं है: इसे phidesk endpoints add से या सेटिंग्स में जोड़ें</translation>
    </message>
    <message>
        <source>the API key must be one line of printable text without spaces around it</source>
        <translation>API कुंजी छपने लायक अक्षरों की एक पंक्ति होनी चाहिए, आगे-पीछे खाली जगह के बिना</translation>
    </message>
    <message>
        <source>Offline is on: remote endpoints are blocked. Turn Offline off in Settings to use them.</source>
        <translation>ऑफ़लाइन चालू है: रिमोट एंडपॉइंट बंद हैं। उन्हें इस्तेमाल करने के लिए सेटिंग्स में ऑफ़लाइन बंद करें।</translation>
    </message>
    <message>
        <source>{host} did not answer in time: try again later, or check that the server is working</source>
        <translation>{host} ने समय पर उत्तर नहीं दिया: बाद में फिर कोशिश करें, या जाँचें कि सर्वर चल रहा है</translation>
    </message>
    <message>
        <source>cannot reach {host}: check the address, that the server is running, and the network</source>
        <translation>{host} तक नहीं पहुँच सके: पता, सर्वर चल रहा है या नहीं, और नेटवर्क जाँचें</translation>
    </message>
    <message>
        <source>{host} refused the API key (HTTP {status}): check the endpoint&apos;s key</source>
        <translation>{host} ने API कुंजी नहीं मानी (HTTP {status}): एंडपॉइंट की कुंजी जाँचें</translation>
    </message>
    <message>
        <source>{host} has no model {model} (HTTP 404): check the model name and the base URL</source>
        <translation>{host} पर {model} मॉडल नहीं है (HTTP 404): मॉडल का नाम और बेस URL जाँचें</translation>
    </message>
    <message>
        <source>{host} is receiving too many requests (HTTP 429): wait a little, then try again</source>
        <translation>{host} पर बहुत ज़्यादा अनुरोध आ रहे हैं (HTTP 429): थोड़ा रुककर फिर कोशिश करें</translation>
    </message>
    <message>
        <source>{host} is receiving too many requests (HTTP 429): try again in {seconds:g} s</source>
        <translation>{host} पर बहुत ज़्यादा अनुरोध आ रहे हैं (HTTP 429): {seconds:g} सेकंड बाद फिर कोशिश करें</translation>
    </message>
    <message>
        <source>{host} failed to answer (HTTP {status}): try again later</source>
        <translation>{host} उत्तर नहीं दे सका (HTTP {status}): बाद में फिर कोशिश करें</translation>
    </message>
    <message>
        <source>{host} sent an answer PhiDesk cannot use ({kind})</source>
        <translation>{host} ने ऐसा उत्तर भेजा जिसे PhiDesk इस्तेमाल नहीं कर सकता ({kind})</translation>
    </message>
</context>
<context>
    <name>RemoteChat</name>
    <message>
        <source>The endpoint {endpoint} is no longer set up: add it again under Models → Remote endpoints, or pick another model.</source>
        <translation>एंडपॉइंट {endpoint} अब सेट नहीं है: इसे मॉडल → रिमोट एंडपॉइंट में फिर से जोड़ें, या कोई दूसरा मॉडल चुनें।</translation>
    </message>
    <message>
        <source>Offline is on (Settings → Network), so nothing is sent to {host}: turn it off to use {endpoint}, or pick a model on this computer.</source>
        <translation>ऑफ़लाइन चालू है (सेटिंग्स → नेटवर्क), इसलिए {host} को कुछ नहीं भेजा जाता: {endpoint} का उपयोग करने के लिए इसे बंद करें, या इसी कंप्यूटर का कोई मॉडल चुनें।</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>सेटिंग्स…</translation>
    </message>
    <message>
        <source>Send to {host}?</source>
        <translation>{host} को भेजें?</translation>
    </message>
    <message>
        <source>This conversation will be sent to {host}. Send?</source>
        <translation>यह बातचीत {host} को भेजी जाएगी। भेजें?</translation>
    </message>
    <message>
        <source>Its messages leave this computer for that server each time you send. PhiDesk asks once per conversation.</source>
        <translation>हर बार भेजने पर इसके संदेश इस कंप्यूटर से उस सर्वर पर जाते हैं। PhiDesk हर बातचीत में एक बार पूछता है।</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>भेजें</translation>
    </message>
    <message>
        <source>Edit endpoint</source>
        <translation>एंडपॉइंट बदलें</translation>
    </message>
    <message>
        <source>{host} could not be reached: check the base URL and your network.</source>
        <translation>{host} तक पहुँचा नहीं जा सका: बेस URL और अपना नेटवर्क जाँचें।</translation>
    </message>
    <message>
        <source>{host} refused the API key: check the key (Edit endpoint).</source>
        <translation>{host} ने API कुंजी अस्वीकार कर दी: कुंजी जाँचें (एंडपॉइंट बदलें)।</translation>
    </message>
    <message>
        <source>{host} has no model {model}: check the model names (Edit endpoint) or pick another model.</source>
        <translation>{host} पर {model} नाम का कोई मॉडल नहीं है: मॉडलों के नाम जाँचें (एंडपॉइंट बदलें) या कोई दूसरा मॉडल चुनें।</translation>
    </message>
    <message numerus="yes">
        <source>{host} is busy for you (rate limit): send again in %n second(s).</source>
        <translation>
            <numerusform>{host} अभी आपके लिए व्यस्त है (दर सीमा): %n सेकंड बाद फिर भेजें।</numerusform>
            <numerusform>{host} अभी आपके लिए व्यस्त है (दर सीमा): %n सेकंड बाद फिर भेजें।</numerusform>
        </translation>
    </message>
    <message>
        <source>{host} is busy for you (rate limit): wait a little, then send again.</source>
        <translation>{host} अभी आपके लिए व्यस्त है (दर सीमा): थोड़ा रुकें, फिर भेजें।</translation>
    </message>
    <message>
        <source>{host} had a server error: try again later, or pick another model.</source>
        <translation>{host} पर सर्वर में गड़बड़ी हुई: बाद में फिर कोशिश करें, या कोई दूसरा मॉडल चुनें।</translation>
    </message>
    <message>
        <source>The connection to {host} broke in the middle of the answer: what came is kept, marked as cut. Regenerate to ask again.</source>
        <translation>जवाब के बीच में {host} से कनेक्शन टूट गया: जितना आया वह रखा गया है, अधूरा चिह्नित करके। फिर से पूछने के लिए दोबारा बनाएँ।</translation>
    </message>
    <message>
        <source>{host} did not answer in time: try again later.</source>
        <translation>{host} ने समय पर जवाब नहीं दिया: बाद में फिर कोशिश करें।</translation>
    </message>
    <message>
        <source>Offline is on (Settings → Network), so nothing was sent to {host}.</source>
        <translation>ऑफ़लाइन चालू है (सेटिंग्स → नेटवर्क), इसलिए {host} को कुछ नहीं भेजा गया।</translation>
    </message>
</context>
<context>
    <name>Server</name>
    <message>
        <source>port {port} is in use by another program: choose another in Settings → Local server</source>
        <translation>पोर्ट {port} किसी दूसरे प्रोग्राम के पास है: सेटिंग्स → लोकल सर्वर में दूसरा पोर्ट चुनें</translation>
    </message>
    <message>
        <source>Other apps on this computer can use the loaded model at this address (the OpenAI API). Click to copy it.</source>
        <translation>इस कंप्यूटर के दूसरे ऐप इस पते पर लोड किए गए मॉडल का उपयोग कर सकते हैं (OpenAI API)। कॉपी करने के लिए क्लिक करें।</translation>
    </message>
    <message>
        <source>Local server address (click to copy)</source>
        <translation>लोकल सर्वर का पता (कॉपी करने के लिए क्लिक करें)</translation>
    </message>
    <message>
        <source>Local server starting…</source>
        <translation>लोकल सर्वर शुरू हो रहा है…</translation>
    </message>
    <message>
        <source>Server answering · {url}</source>
        <translation>सर्वर उत्तर दे रहा है · {url}</translation>
    </message>
    <message>
        <source>Server · {url}</source>
        <translation>सर्वर · {url}</translation>
    </message>
    <message>
        <source>Copied {url}</source>
        <translation>{url} कॉपी हो गया</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>System</source>
        <translation>सिस्टम</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>हल्की</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>गहरी</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>सेटिंग्स</translation>
    </message>
    <message>
        <source>General</source>
        <translation>सामान्य</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>सैंपलिंग</translation>
    </message>
    <message>
        <source>This conversation</source>
        <translation>यह बातचीत</translation>
    </message>
    <message>
        <source>System prompt preset</source>
        <translation>सिस्टम प्रॉम्प्ट का प्रीसेट</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>प्रीसेट</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>सिस्टम प्रॉम्प्ट</translation>
    </message>
    <message>
        <source>Context size in tokens</source>
        <translation>टोकन में कॉन्टेक्स्ट का आकार</translation>
    </message>
    <message>
        <source>Prompt + answer. Memory for it is reserved when a model loads.</source>
        <translation>प्रॉम्प्ट + उत्तर। मॉडल लोड होते समय इसके लिए मेमोरी आरक्षित हो जाती है।</translation>
    </message>
    <message>
        <source>Context (tokens)</source>
        <translation>कॉन्टेक्स्ट (टोकन)</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>अपने-आप</translation>
    </message>
    <message>
        <source>Execution provider</source>
        <translation>एक्ज़िक्यूशन प्रोवाइडर</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>प्रोवाइडर</translation>
    </message>
    <message>
        <source>Automatic ({threads}: one per core)</source>
        <translation>अपने-आप ({threads}: हर कोर के लिए एक)</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU थ्रेड</translation>
    </message>
    <message>
        <source>Threads the model computes with on the CPU. More than this machine&apos;s cores makes it slower.</source>
        <translation>CPU पर मॉडल कितने थ्रेड से गणना करे। इस मशीन के कोर से ज़्यादा थ्रेड उसे धीमा कर देते हैं।</translation>
    </message>
    <message>
        <source>Automatic (half of the memory free after loading)</source>
        <translation>अपने-आप (लोड होने के बाद खाली मेमोरी का आधा)</translation>
    </message>
    <message>
        <source>Memory for conversations kept warm</source>
        <translation>तैयार रखी गई बातचीतों के लिए मेमोरी</translation>
    </message>
    <message>
        <source>Each conversation kept warm holds a KV cache for the whole context (the models pane shows its size): switching back to it reads only its new text.</source>
        <translation>तैयार रखी गई हर बातचीत पूरे कॉन्टेक्स्ट के लिए एक KV कैश रखती है (मॉडल पैनल उसका आकार दिखाता है): उस पर लौटने पर केवल उसका नया टेक्स्ट पढ़ा जाता है।</translation>
    </message>
    <message>
        <source>Kept conversations</source>
        <translation>तैयार रखी गई बातचीतें</translation>
    </message>
    <message>
        <source>Automatic (the high-performance GPU)</source>
        <translation>अपने-आप (हाई-परफ़ॉर्मेंस GPU)</translation>
    </message>
    <message>
        <source>{index}: (not found now)</source>
        <translation>{index}: (अभी नहीं मिला)</translation>
    </message>
    <message>
        <source>GPU or DirectML adapter</source>
        <translation>GPU या DirectML एडैप्टर</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>थीम</translation>
    </message>
    <message>
        <source>Language of the window</source>
        <translation>विंडो की भाषा</translation>
    </message>
    <message>
        <source>System follows the language of your computer. A new language applies when PhiDesk starts again.</source>
        <translation>सिस्टम चुनने पर आपके कंप्यूटर की भाषा अपनाई जाती है। नई भाषा PhiDesk के दोबारा शुरू होने पर लागू होती है।</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>भाषा</translation>
    </message>
    <message>
        <source>Offline: never download anything</source>
        <translation>ऑफ़लाइन: कभी कुछ भी डाउनलोड न करें</translation>
    </message>
    <message>
        <source>PhiDesk uses the network only to download a model you chose; this refuses even that.</source>
        <translation>PhiDesk नेटवर्क का उपयोग केवल आपके चुने हुए मॉडल को डाउनलोड करने के लिए करता है; यह विकल्प उसे भी रोक देता है।</translation>
    </message>
    <message>
        <source>Offline mode</source>
        <translation>ऑफ़लाइन मोड</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>नेटवर्क</translation>
    </message>
    <message>
        <source>Serve the loaded model to other apps on this computer</source>
        <translation>लोड किया गया मॉडल इस कंप्यूटर के दूसरे ऐप को उपलब्ध कराएँ</translation>
    </message>
    <message>
        <source>An OpenAI-compatible API on 127.0.0.1 (this computer only), through the same model process as this window. Off: PhiDesk listens on no port.</source>
        <translation>127.0.0.1 पर (सिर्फ़ इसी कंप्यूटर के लिए) OpenAI जैसा API, इसी विंडो की मॉडल प्रक्रिया से। बंद हो तो PhiDesk किसी पोर्ट पर नहीं सुनता।</translation>
    </message>
    <message>
        <source>Local server</source>
        <translation>लोकल सर्वर</translation>
    </message>
    <message>
        <source>Local server port</source>
        <translation>लोकल सर्वर का पोर्ट</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>पोर्ट</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>टेम्परेचर</translation>
    </message>
    <message>
        <source>0 = always the most likely word (greedy)</source>
        <translation>0 = हमेशा सबसे संभावित शब्द (greedy)</translation>
    </message>
    <message>
        <source>Top p</source>
        <translation>टॉप p</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>टॉप-p</translation>
    </message>
    <message>
        <source>Top k</source>
        <translation>टॉप k</translation>
    </message>
    <message>
        <source>Top-k (0 = off)</source>
        <translation>टॉप-k (0 = बंद)</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>दोहराव पेनल्टी</translation>
    </message>
    <message>
        <source>Maximum new tokens</source>
        <translation>अधिकतम नए टोकन</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>अधिकतम नए टोकन</translation>
    </message>
    <message>
        <source>Changing sampling settings makes the next answer re-read the conversation.</source>
        <translation>सैंपलिंग सेटिंग्स बदलने पर अगला उत्तर पूरी बातचीत फिर से पढ़ता है।</translation>
    </message>
    <message>
        <source>(default model)</source>
        <translation>(डिफ़ॉल्ट मॉडल)</translation>
    </message>
    <message>
        <source>Model for this conversation</source>
        <translation>इस बातचीत का मॉडल</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>मॉडल</translation>
    </message>
    <message>
        <source>(empty: use the general system prompt)</source>
        <translation>(खाली: सामान्य सिस्टम प्रॉम्प्ट का उपयोग करें)</translation>
    </message>
    <message>
        <source>System prompt for this conversation</source>
        <translation>इस बातचीत का सिस्टम प्रॉम्प्ट</translation>
    </message>
    <message>
        <source>PhiDesk shows the new language when it starts again. Restart now? Your conversations are kept.</source>
        <translation>PhiDesk दोबारा शुरू होने पर नई भाषा दिखाएगा। अभी दोबारा शुरू करें? आपकी बातचीतें सुरक्षित रहेंगी।</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>अभी दोबारा शुरू करें</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>बाद में</translation>
    </message>
</context>
<context>
    <name>SettingsErrors</name>
    <message>
        <source>provider must be one of {providers}</source>
        <translation>provider इनमें से एक होना चाहिए: {providers}</translation>
    </message>
    <message>
        <source>the context setting must be between {low} and {high} tokens</source>
        <translation>संदर्भ की सेटिंग {low} से {high} टोकन के बीच होनी चाहिए</translation>
    </message>
    <message>
        <source>default_model must be a model id</source>
        <translation>default_model किसी मॉडल की id होनी चाहिए</translation>
    </message>
    <message>
        <source>system_prompt must be text</source>
        <translation>system_prompt टेक्स्ट होना चाहिए</translation>
    </message>
    <message>
        <source>theme must be one of {themes}</source>
        <translation>theme इनमें से एक होना चाहिए: {themes}</translation>
    </message>
    <message>
        <source>language must be system or a language code such as en or hi</source>
        <translation>language system या कोई भाषा कोड (जैसे en या hi) होना चाहिए</translation>
    </message>
    <message>
        <source>threads must be 0 (automatic) or a number of threads up to {limit}</source>
        <translation>threads 0 (अपने-आप) या {limit} तक थ्रेड की संख्या होनी चाहिए</translation>
    </message>
    <message>
        <source>kv_budget_mb must be 0 (automatic) or a number of MB</source>
        <translation>kv_budget_mb 0 (अपने-आप) या MB की संख्या होनी चाहिए</translation>
    </message>
    <message>
        <source>gpu_index must be a GPU number (0, 1, …) or null</source>
        <translation>gpu_index किसी GPU का नंबर (0, 1, …) या null होना चाहिए</translation>
    </message>
    <message>
        <source>ui must be an object</source>
        <translation>ui एक ऑब्जेक्ट होना चाहिए</translation>
    </message>
    <message>
        <source>offline must be true or false</source>
        <translation>offline true या false होना चाहिए</translation>
    </message>
    <message>
        <source>server must be true or false</source>
        <translation>server का मान true या false होना चाहिए</translation>
    </message>
    <message>
        <source>server_port must be a port number from 1 to 65535</source>
        <translation>server_port 1 से 65535 तक का पोर्ट नंबर होना चाहिए</translation>
    </message>
    <message>
        <source>an endpoint must be an object with name, base_url, models and preset</source>
        <translation>हर एंडपॉइंट name, base_url, models और preset वाला ऑब्जेक्ट होना चाहिए</translation>
    </message>
    <message>
        <source>an endpoint&apos;s name must be 1 to 40 letters, digits, dots, dashes or underscores</source>
        <translation>एंडपॉइंट का नाम 1 से 40 अक्षरों, अंकों, बिंदुओं, डैश या अंडरस्कोर का होना चाहिए</translation>
    </message>
    <message>
        <source>endpoint {name}: the base URL must start with http:// or https:// and name a host</source>
        <translation>एंडपॉइंट {name}: बेस URL http:// या https:// से शुरू होना चाहिए और उसमें होस्ट का नाम होना चाहिए</translation>
    </message>
    <message>
        <source>endpoint {name}: models must be at most {limit} different names</source>
        <translation>एंडपॉइंट {name}: models में ज़्यादा से ज़्यादा {limit} अलग-अलग नाम हो सकते हैं</translation>
    </message>
    <message>
        <source>endpoint {name}: preset must be a short text</source>
        <translation>एंडपॉइंट {name}: preset एक छोटा टेक्स्ट होना चाहिए</translation>
    </message>
    <message>
        <source>endpoints must be a list of at most {limit} endpoints with different names, each with a name, an http(s) base URL and at most {models} models</source>
        <translation>endpoints ज़्यादा से ज़्यादा {limit} अलग-अलग नाम वाले एंडपॉइंट की सूची होनी चाहिए, हर एक में नाम, http(s) बेस URL और ज़्यादा से ज़्यादा {models} मॉडल</translation>
    </message>
    <message>
        <source>&apos;version&apos; is {value}, not a schema version</source>
        <translation>&apos;version&apos; {value} है, कोई स्कीमा संस्करण नहीं</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>JSON ऑब्जेक्ट नहीं है</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}: {reason}</translation>
    </message>
    <message>
        <source>settings file {problem}; it was kept as {name} and the default settings are used</source>
        <translation>सेटिंग्स फ़ाइल {problem}; उसे {name} नाम से रख लिया गया है और डिफ़ॉल्ट सेटिंग्स इस्तेमाल हो रही हैं</translation>
    </message>
    <message>
        <source>{path}: damaged, and too many damaged copies are kept beside it</source>
        <translation>{path}: खराब है, और इसके पास पहले से बहुत सारी खराब प्रतियाँ रखी हैं</translation>
    </message>
    <message>
        <source>sampling must be an object</source>
        <translation>sampling एक ऑब्जेक्ट होना चाहिए</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Yesterday {time}</source>
        <translation>कल {time}</translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <translation>{day} {time}</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>नई चैट</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>नई चैट (Ctrl+N)</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>आयात करें…</translation>
    </message>
    <message>
        <source>Import a conversation from JSON</source>
        <translation>JSON से बातचीत आयात करें</translation>
    </message>
    <message>
        <source>Search chats (Ctrl+F)</source>
        <translation>चैट खोजें (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>बातचीत खोजें</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>बातचीत</translation>
    </message>
    <message>
        <source>Enter opens, F2 renames, Delete deletes, the menu key shows more</source>
        <translation>Enter से खुलती है, F2 से नाम बदलता है, Delete से हटती है, मेनू कुंजी से और विकल्प दिखते हैं</translation>
    </message>
    <message>
        <source>{heading}:</source>
        <translation>{heading}:</translation>
    </message>
    <message>
        <source>section heading</source>
        <translation>खंड का शीर्षक</translation>
    </message>
    <message>
        <source>{title}, pinned, {when}</source>
        <translation>{title}, पिन की गई, {when}</translation>
    </message>
    <message>
        <source>{title}, {when}</source>
        <translation>{title}, {when}</translation>
    </message>
    <message>
        <source>Conversation actions</source>
        <translation>बातचीत के विकल्प</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>खोलें</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>नाम बदलें…</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>पिन हटाएँ</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>पिन करें</translation>
    </message>
    <message>
        <source>Export as Markdown…</source>
        <translation>Markdown के रूप में निर्यात करें…</translation>
    </message>
    <message>
        <source>Export as JSON…</source>
        <translation>JSON के रूप में निर्यात करें…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>हटाएँ…</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>पिन की गई</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>आज</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>कल</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>पिछले 7 दिन</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>पुरानी</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>बातचीत का नाम बदलें</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>शीर्षक:</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>बातचीत हटाएँ</translation>
    </message>
    <message>
        <source>Delete “{title}” for good?</source>
        <translation>“{title}” को हमेशा के लिए हटाएँ?</translation>
    </message>
    <message>
        <source>Another window is still writing an answer in this conversation: delete it once that answer is finished.</source>
        <translation>कोई दूसरी विंडो अभी इस बातचीत में उत्तर लिख रही है: वह उत्तर पूरा होने के बाद इसे हटाएँ।</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>बातचीत निर्यात करें</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>{path} में निर्यात किया गया</translation>
    </message>
    <message>
        <source>Import conversation</source>
        <translation>बातचीत आयात करें</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Could not import {file}: {reason}</source>
        <translation>{file} आयात नहीं हो सका: {reason}</translation>
    </message>
    <message>
        <source>Could not import {file}: the disk is full; free some space and import again. Nothing was imported.</source>
        <translation>{file} आयात नहीं हो सका: डिस्क भर गई है; कुछ जगह खाली करके फिर से आयात करें। कुछ भी आयात नहीं हुआ।</translation>
    </message>
    <message>
        <source>Could not import {file}: the database refused it ({reason}). Nothing was imported.</source>
        <translation>{file} आयात नहीं हो सका: डेटाबेस ने इसे अस्वीकार कर दिया ({reason})। कुछ भी आयात नहीं हुआ।</translation>
    </message>
</context>
<context>
    <name>StandardButtons</name>
    <message>
        <source>OK</source>
        <translation>ठीक है</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>रद्द करें</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>बंद करें</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>हाँ</translation>
    </message>
    <message>
        <source>No</source>
        <translation>नहीं</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>सहेजें</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>छोड़ दें</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>लागू करें</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>खोलें</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>फिर से कोशिश करें</translation>
    </message>
    <message>
        <source>Abort</source>
        <translation>रोकें</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>अनदेखा करें</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>सहायता</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>रीसेट करें</translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <source>{gb:,.1f} GB</source>
        <translation>{gb:,.1f} GB</translation>
    </message>
    <message>
        <source>{mb:,.0f} MB</source>
        <translation>{mb:,.0f} MB</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <source>fits</source>
        <translation>फ़िट होता है</translation>
    </message>
    <message>
        <source>tight</source>
        <translation>मुश्किल से</translation>
    </message>
    <message>
        <source>won&apos;t fit</source>
        <translation>फ़िट नहीं होगा</translation>
    </message>
    <message>
        <source>cannot run</source>
        <translation>नहीं चल सकता</translation>
    </message>
    <message>
        <source>{kb:,.0f} KB</source>
        <translation>{kb:,.0f} KB</translation>
    </message>
    <message>
        <source>{kb:,.1f} KB</source>
        <translation>{kb:,.1f} KB</translation>
    </message>
    <message>
        <source>weights {weights:,} MB + KV cache {kv:,} MB ({tokens:,} tokens × {per_token}) + working {working:,} MB = {total:,} MB</source>
        <translation>वेट्स {weights:,} MB + KV कैश {kv:,} MB ({tokens:,} टोकन × {per_token}) + कार्य-मेमोरी {working:,} MB = {total:,} MB</translation>
    </message>
    <message>
        <source>{arithmetic} of {available:,} MB available RAM</source>
        <translation>{arithmetic}, उपलब्ध {available:,} MB RAM में से</translation>
    </message>
    <message>
        <source>DirectML runs on Windows only; needs {arithmetic}</source>
        <translation>DirectML सिर्फ़ Windows पर चलता है; ज़रूरत: {arithmetic}</translation>
    </message>
    <message>
        <source>no NVIDIA GPU found; needs {arithmetic}</source>
        <translation>कोई NVIDIA GPU नहीं मिला; ज़रूरत: {arithmetic}</translation>
    </message>
    <message>
        <source>no DirectX 12 GPU found; needs {arithmetic}</source>
        <translation>कोई DirectX 12 GPU नहीं मिला; ज़रूरत: {arithmetic}</translation>
    </message>
    <message>
        <source>not probed</source>
        <translation>जाँचा नहीं गया</translation>
    </message>
    <message>
        <source>{provider} provider not available: {why}</source>
        <translation>{provider} प्रोवाइडर उपलब्ध नहीं है: {why}</translation>
    </message>
    <message>
        <source>{arithmetic} of {vram:,} MB VRAM on {gpu} (provider reported by the build, not yet tried on a model)</source>
        <translation>{arithmetic}, {gpu} की {vram:,} MB VRAM में से (प्रोवाइडर बिल्ड ने बताया है, अभी किसी मॉडल पर आज़माया नहीं गया)</translation>
    </message>
    <message>
        <source>{arithmetic} of {vram:,} MB VRAM on {gpu}</source>
        <translation>{arithmetic}, {gpu} की {vram:,} MB VRAM में से</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <source>
&lt;h2&gt;Welcome to PhiDesk&lt;/h2&gt;
&lt;p&gt;PhiDesk chats with language models that run entirely on this computer. Nothing you type leaves it.&lt;/p&gt;
&lt;p&gt;The &lt;b&gt;starter&lt;/b&gt; model is selected: a tiny model (SmolLM2-135M, 135 million parameters) that shows how things
work but is often wrong. For real answers: &lt;a href=&quot;download:phi-3.5-mini-instruct&quot;&gt;download Phi-3.5-mini&lt;/a&gt;
(Microsoft&apos;s ONNX build for this machine, 2-3 GB; or &lt;code&gt;phidesk models download phi-3.5-mini-instruct&lt;/code&gt;).
Phi-3.5-vision, for questions about images, is under &lt;i&gt;Get models…&lt;/i&gt; in the model menu above.&lt;/p&gt;
&lt;p&gt;Type below and press Enter. Esc stops an answer; Ctrl+N starts a new chat; Ctrl+, opens the settings.&lt;/p&gt;
</source>
        <translation>
&lt;h2&gt;PhiDesk में आपका स्वागत है&lt;/h2&gt;
&lt;p&gt;PhiDesk ऐसे भाषा मॉडलों से बातचीत करता है जो पूरी तरह इसी कंप्यूटर पर चलते हैं। आप जो कुछ लिखते हैं, वह इस कंप्यूटर से बाहर नहीं जाता।&lt;/p&gt;
&lt;p&gt;&lt;b&gt;starter&lt;/b&gt; मॉडल चुना गया है: एक बहुत छोटा मॉडल (SmolLM2-135M, 13.5 करोड़ पैरामीटर) जो दिखाता है कि चीज़ें कैसे काम करती हैं,
पर अक्सर गलत होता है। सही उत्तरों के लिए: &lt;a href=&quot;download:phi-3.5-mini-instruct&quot;&gt;Phi-3.5-mini डाउनलोड करें&lt;/a&gt;
(इस मशीन के लिए Microsoft का ONNX बिल्ड, 2-3 GB; या &lt;code&gt;phidesk models download phi-3.5-mini-instruct&lt;/code&gt;)।
चित्रों के बारे में प्रश्नों के लिए Phi-3.5-vision ऊपर मॉडल मेनू में &lt;i&gt;मॉडल पाएँ…&lt;/i&gt; के अंतर्गत है।&lt;/p&gt;
&lt;p&gt;नीचे लिखें और Enter दबाएँ। Esc उत्तर रोकता है; Ctrl+N नई चैट शुरू करता है; Ctrl+, सेटिंग्स खोलता है।&lt;/p&gt;
</translation>
    </message>
    <message>
        <source>
&lt;h2&gt;Welcome to PhiDesk&lt;/h2&gt;
&lt;p&gt;No model is installed yet. Run &lt;code&gt;phidesk models starter&lt;/code&gt; for a small model to start with, or
&lt;code&gt;phidesk models import PATH&lt;/code&gt; for a Phi-3.5 ONNX folder.&lt;/p&gt;
</source>
        <translation>
&lt;h2&gt;PhiDesk में आपका स्वागत है&lt;/h2&gt;
&lt;p&gt;अभी कोई मॉडल इंस्टॉल नहीं है। शुरुआत के लिए एक छोटे मॉडल हेतु &lt;code&gt;phidesk models starter&lt;/code&gt; चलाएँ, या
Phi-3.5 ONNX फ़ोल्डर के लिए &lt;code&gt;phidesk models import PATH&lt;/code&gt; चलाएँ।&lt;/p&gt;
</translation>
    </message>
    <message>
        <source>
&lt;p&gt;You have added remote endpoints: pick one of their models (marked with a cloud) in the model menu above to chat
with it. Your questions then go to that server, and PhiDesk asks before the first one of each chat.&lt;/p&gt;
</source>
        <translation>
&lt;p&gt;आपने रिमोट एंडपॉइंट जोड़े हैं: उनसे चैट करने के लिए ऊपर मॉडल मेन्यू में उनका कोई मॉडल (बादल के निशान वाला) चुनें।
तब आपके सवाल उसी सर्वर पर जाते हैं, और हर चैट के पहले सवाल से पहले PhiDesk आपसे पूछता है।&lt;/p&gt;
</translation>
    </message>
</context>
</TS>
