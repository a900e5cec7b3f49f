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
        <source>not available: {reason}</source>
        <translation>उपलब्ध नहीं: {reason}</translation>
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
    <name>Copy</name>
    <message>
        <source>Copied</source>
        <translation>कॉपी हो गया</translation>
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
</TS>
